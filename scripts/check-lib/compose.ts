import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CACHE_DIR, podmanEnv, sleep } from './podman.js';

const exec = promisify(execFile);

/** Compose 2.24 is the first with the features docker/compose.yaml relies on (see docs/operations.md). */
const MINIMUM = [2, 24];

async function composeVersion(command: string[]): Promise<number[] | undefined> {
  try {
    const { stdout } = await exec(command[0]!, [...command.slice(1), 'version', '--short']);
    return stdout.trim().replace(/^v/, '').split(/[.-]/).slice(0, 2).map(Number);
  } catch {
    return undefined;
  }
}

const recentEnough = (v: number[] | undefined) =>
  v !== undefined && (v[0]! > MINIMUM[0]! || (v[0] === MINIMUM[0] && v[1]! >= MINIMUM[1]!));

/**
 * A Docker Compose of version 2.24 or later: the one on PATH if it is recent enough, otherwise Debian's
 * docker-compose package of the next release (trixie: 2.26, a Go binary that runs on bookworm), fetched with apt
 * into a cache folder of its own: the machine's apt sources and installed packages are left as they are.
 */
export async function ensureCompose(
  log: (line: string) => void,
): Promise<{ command: string[]; version: string }> {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    const v = await composeVersion(command);
    if (recentEnough(v)) return { command, version: v!.join('.') };
  }
  const dir = join(CACHE_DIR, 'compose');
  const binary = join(dir, 'docker-compose');
  if (!existsSync(binary)) {
    log("fetching Debian trixie's docker-compose package (Compose 2.26) into the cache");
    const apt = join(dir, 'apt');
    mkdirSync(join(apt, 'lists', 'partial'), { recursive: true });
    mkdirSync(join(apt, 'cache', 'archives', 'partial'), { recursive: true });
    const mirror = process.env.DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
    writeFileSync(join(apt, 'sources.list'), `deb ${mirror} trixie main\n`);
    const options = [
      '-o',
      `Dir::Etc::SourceList=${join(apt, 'sources.list')}`,
      '-o',
      'Dir::Etc::SourceParts=/dev/null',
      '-o',
      `Dir::State::Lists=${join(apt, 'lists')}`,
      '-o',
      `Dir::Cache=${join(apt, 'cache')}`,
      '-o',
      'APT::Sandbox::User=root',
    ];
    await exec('apt-get', [...options, 'update', '-q'], { timeout: 600_000 });
    const work = mkdtempSync(join(tmpdir(), 'compose-deb-'));
    try {
      await exec('apt-get', [...options, 'download', 'docker-compose'], { cwd: work, timeout: 600_000 });
      const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
      if (!deb) throw new Error('apt-get download docker-compose gave no package');
      await exec('dpkg-deb', ['-x', join(work, deb), join(work, 'x')]);
      copyFileSync(join(work, 'x', 'usr', 'libexec', 'docker', 'cli-plugins', 'docker-compose'), binary);
      chmodSync(binary, 0o755);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const v = await composeVersion([binary]);
  if (!recentEnough(v)) throw new Error(`${binary} is not Compose 2.24+`);
  return { command: [binary], version: v!.join('.') };
}

/** podman's Docker-compatible API on a socket of its own, for Compose; stop() ends it. */
export async function startPodmanApi(): Promise<{ dockerHost: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'podman-api-'));
  const socket = join(dir, 'podman.sock');
  const child: ChildProcess = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], {
    env: podmanEnv(),
    stdio: 'ignore',
  });
  const started = performance.now();
  while (!existsSync(socket)) {
    if (child.exitCode !== null) throw new Error(`podman system service exited (${child.exitCode})`);
    if (performance.now() - started > 30_000) throw new Error('podman system service did not start');
    await sleep(100);
  }
  return {
    dockerHost: `unix://${socket}`,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
