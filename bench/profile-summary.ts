import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * `tsx bench/profile-summary.ts <dir-or-.cpuprofile> [top]`: the hot spots of a V8 CPU profile (from
 * `node --cpu-prof`), as self time per function and per file/package, so a profile can be read in a terminal
 * and quoted in a report.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = process.cwd();

function place(url: string): string {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return `npm:${pkg[1]}`;
  if (path.startsWith('node:')) return path;
  return relative(ROOT, path);
}

export function summarise(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)!.callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${place(frame.url)}${frame.url ? ':' + (frame.lineNumber + 1) : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    const file = place(frame.url);
    byFile.set(file, (byFile.get(file) ?? 0) + micros);
  }
  const rows = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([k, v]) =>
          `${((100 * v) / total).toFixed(1).padStart(5)} %  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`,
      )
      .join('\n');
  return `total ${(total / 1000).toFixed(0)} ms sampled\n\nself time by function:\n${rows(byFunction)}\n\nself time by file / package:\n${rows(byFile)}\n`;
}

const [target = '.', topArg] = process.argv.slice(2);
const files = target.endsWith('.cpuprofile')
  ? [target]
  : readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(target, f));
for (const file of files) {
  process.stdout.write(
    `== ${file}\n${summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(topArg ?? 25))}\n`,
  );
}
