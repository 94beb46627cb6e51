/**
 * `npx tsx scripts/function-sizes.ts [--top N] [path-filter ...]`: every function in src/ by its length in lines
 * (first line to last, comments inside included), longest first, read with the TypeScript compiler API. A function
 * passed as an argument is named after the call (e.g. the handler of `app.post('/cds-services/:id')`).
 *
 *   npx tsx scripts/function-sizes.ts                      the 25 longest functions in src/
 *   npx tsx scripts/function-sizes.ts --top 10 src/routes  the 10 longest in files whose path contains src/routes
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { projectPath } from '../src/paths.js';

export interface FunctionSize {
  file: string;
  line: number;
  name: string;
  lines: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A readable name for a function node: its own, its variable's or property's, or the call it is passed to. */
function nameOf(node: ts.FunctionLikeDeclaration, source: ts.SourceFile): string {
  if (node.name) return node.name.getText(source);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
    return parent.name.getText(source);
  if (ts.isCallExpression(parent)) {
    const firstArg = parent.arguments[0];
    const label = firstArg && ts.isStringLiteralLike(firstArg) ? `('${firstArg.text}')` : '()';
    return `${calleeName(parent.expression, source)}${label} callback`;
  }
  return '(anonymous)';
}

/** `app.post`, `z…refine`: the callee's own name, with its receiver only when that is a plain name. */
function calleeName(callee: ts.Expression, source: ts.SourceFile): string {
  if (!ts.isPropertyAccessExpression(callee)) return callee.getText(source).slice(0, 40);
  const receiver = ts.isIdentifier(callee.expression) ? callee.expression.text : '…';
  return `${receiver}.${callee.name.text}`;
}

export function functionSizes(file: string, text: string): FunctionSize[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const sizes: FunctionSize[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const fn = node as ts.FunctionLikeDeclaration;
      const start = source.getLineAndCharacterOfPosition(fn.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(fn.getEnd()).line;
      sizes.push({ file, line: start + 1, name: nameOf(fn, source), lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sizes;
}

function main(): void {
  const { values, positionals } = parseArgs({
    options: { top: { type: 'string', default: '25' } },
    allowPositionals: true,
  });
  const root = projectPath('.');
  const all = sourceFiles(projectPath('src'))
    .map((path) => relative(root, path))
    .filter((file) => positionals.length === 0 || positionals.some((p) => file.includes(p)))
    .flatMap((file) => functionSizes(file, readFileSync(join(root, file), 'utf8')))
    .sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
  for (const f of all.slice(0, Number(values.top)))
    console.log(`${String(f.lines).padStart(4)}  ${`${f.file}:${f.line}`.padEnd(48)} ${f.name}`);
}

main();
