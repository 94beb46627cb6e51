/**
 * `npx tsx scripts/dead-exports.ts`: exports of src/ that nothing imports, read with the TypeScript compiler API over
 * the whole project (src, test, scripts, bench, demo, fixtures: tsconfig.json). "unused" = referenced nowhere else;
 * "local only" = used in its own file only (the `export` keyword can go). Default exports and `declare module`
 * augmentations are left out (Fastify plugins are loaded by registration).
 */
import ts from 'typescript';
import { relative } from 'node:path';
import { projectPath, projectRoot } from '../src/paths.js';

const configFile = ts.readConfigFile(projectPath('tsconfig.json'), (p) => ts.sys.readFile(p));
const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, projectRoot);
const program = ts.createProgram(parsed.fileNames, parsed.options);
const checker = program.getTypeChecker();
const files = program
  .getSourceFiles()
  .filter((f) => !f.isDeclarationFile && !f.fileName.includes('node_modules'));

/** Every symbol some other file imports (or re-exports), resolved to its declaration. */
const importedElsewhere = new Set<ts.Symbol>();
const original = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
for (const file of files) {
  const visit = (node: ts.Node): void => {
    if (ts.isImportSpecifier(node) || ts.isExportSpecifier(node) || ts.isImportClause(node)) {
      const symbol = node.name ? checker.getSymbolAtLocation(node.name) : undefined;
      if (symbol) importedElsewhere.add(original(symbol));
    }
    if (ts.isNamespaceImport(node)) {
      // `import * as F`: every member used through the namespace counts.
      const ns = checker.getSymbolAtLocation(node.name);
      const module = ns ? original(ns) : undefined;
      if (module) for (const s of checker.getExportsOfModule(module)) importedElsewhere.add(original(s));
    }
    if (ts.isImportTypeNode(node) && node.qualifier) {
      const symbol = checker.getSymbolAtLocation(node.qualifier);
      if (symbol) importedElsewhere.add(original(symbol));
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      // `await import(...)`: count the whole module as used.
      const spec = node.arguments[0];
      const module = spec ? checker.getSymbolAtLocation(spec) : undefined;
      if (module) for (const s of checker.getExportsOfModule(module)) importedElsewhere.add(original(s));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}

function usedInOwnFile(symbol: ts.Symbol, file: ts.SourceFile): boolean {
  const declarations = new Set(symbol.declarations?.map((d) => (d as ts.NamedDeclaration).name));
  let used = false;
  const visit = (node: ts.Node): void => {
    if (used) return;
    if (ts.isIdentifier(node) && node.text === symbol.name && !declarations.has(node)) {
      const s = checker.getSymbolAtLocation(node);
      if (s && original(s) === symbol) used = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return used;
}

for (const file of files) {
  const name = relative(projectRoot, file.fileName);
  if (!name.startsWith('src/')) continue;
  const module = checker.getSymbolAtLocation(file);
  if (!module) continue;
  for (const exported of checker.getExportsOfModule(module)) {
    if (exported.name === 'default') continue;
    const symbol = original(exported);
    if (importedElsewhere.has(symbol)) continue;
    const line = symbol.declarations?.[0]
      ? file.getLineAndCharacterOfPosition(symbol.declarations[0].getStart()).line + 1
      : 0;
    console.log(
      `${usedInOwnFile(symbol, file) ? 'local only' : 'unused    '}  ${name}:${line}  ${exported.name}`,
    );
  }
}
