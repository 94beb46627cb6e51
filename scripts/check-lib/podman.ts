import { execFile, spawn } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectPath } from '../../src/paths.js';

const exec = promisify(execFile);

/**
 * podman as these machines run it (Debian's podman 4.3 + buildah): runc, vfs storage, cgroupfs, file events and
 * raised default ulimits, from docker/podman/*.conf, passed by environment so the machine's own settings stay as
 * they are. See docs/operations.md, "Proving the image".
 */
export const podmanEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  CONTAINERS_CONF: projectPath('docker', 'podman', 'containers.conf'),
  CONTAINERS_STORAGE_CONF: projectPath('docker', 'podman', 'storage.conf'),
  // Image builds use the classic builder; nothing here needs BuildKit.
  BUILDAH_FORMAT: 'docker',
});

/** Where the stand-in base's ingredients and the prebuilt native module are kept between runs. */
export const CACHE_DIR = process.env.CHECK_IMAGE_CACHE ?? '/var/cache/dmab-cds-image';

export async function podman(args: string[], options: { timeoutMs?: number } = {}): Promise<string> {
  try {
    const { stdout } = await exec('podman', args, {
      env: podmanEnv(),
      maxBuffer: 64 * 1024 * 1024,
      timeout: options.timeoutMs ?? 120_000,
    });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(
      `podman ${args.slice(0, 3).join(' ')} failed: ${(e.stderr ?? e.message).trim().slice(-2000)}`,
    );
  }
}

/** Runs podman with its output streamed to a log file (long builds); resolves with the exit code. */
export function podmanLogged(args: string[], logFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = openSync(logFile, 'w');
    const child = spawn('podman', args, { env: podmanEnv(), stdio: ['ignore', out, out] });
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(out);
      resolve(code ?? 1);
    });
  });
}

async function has(command: string): Promise<boolean> {
  try {
    await exec('sh', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

/** Installs podman and the tools the stand-in base needs from Debian's packages when they are missing. */
export async function ensurePodman(log: (line: string) => void): Promise<void> {
  const missing = [];
  for (const [command, pkg] of [
    ['podman', 'podman'],
    ['buildah', 'buildah'],
    ['runc', 'runc'],
    ['debootstrap', 'debootstrap'],
    ['iptables', 'iptables'],
  ] as const)
    if (!(await has(command))) missing.push(pkg);
  if (missing.length === 0) return;
  log(`installing from Debian's packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await exec('apt-get', ['update', '-q'], { env, timeout: 600_000 });
  await exec(
    'apt-get',
    [
      'install',
      '-y',
      '-q',
      '--no-install-recommends',
      ...missing,
      'uidmap',
      'containernetworking-plugins',
      'netavark',
      'aardvark-dns',
      'catatonit',
    ],
    { env, timeout: 1_200_000, maxBuffer: 64 * 1024 * 1024 },
  );
}

/** better-sqlite3's version in the lockfile (its native module is prebuilt once for the image's Node). */
export function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(projectPath('package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`${name} is not in package-lock.json`);
  return version;
}

/**
 * The stand-in for node:22-bookworm-slim (built once, then reused), and the folder holding better-sqlite3's
 * prebuilt archive for the image's Node.
 */
export async function ensureStandInBase(log: (line: string) => void): Promise<string> {
  const script = projectPath('docker', 'stand-in', 'node-base.sh');
  const child = spawn('bash', [script, CACHE_DIR, lockedVersion('better-sqlite3')], {
    env: podmanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) =>
    c
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((line) => log(line.trim())),
  );
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error(`the stand-in base could not be built (exit ${code})`);
  return out.trim().split('\n').at(-1)!;
}

/**
 * The host's certificate authorities, for npm inside the build: where TLS to the registry is intercepted, the
 * build must trust the same CAs as the host. Given by CHECK_IMAGE_CA_BUNDLE (default: the host's bundle).
 */
export function hostCaBundle(): string | undefined {
  const candidates = [
    process.env.CHECK_IMAGE_CA_BUNDLE,
    process.env.NODE_EXTRA_CA_CERTS,
    process.env.SSL_CERT_FILE,
    '/etc/ssl/certs/ca-certificates.crt',
  ];
  return candidates.find((p): p is string => typeof p === 'string' && p !== '' && existsSync(p));
}

export interface BuildResult {
  tag: string;
  ms: number;
  sizeBytes: number;
}

/**
 * `podman build` of the project's Dockerfile, unchanged. Build-time mounts only (they are not part of the
 * image): the CA bundle and an npmrc naming it, and a writable copy of the prebuilt-module cache where
 * prebuild-install looks before it would download.
 */
export async function buildImage(
  options: { tag: string; target: string; prebuilds: string },
  log: (line: string) => void,
): Promise<BuildResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'check-image-build-'));
  try {
    const args = [
      'build',
      '--format',
      'docker',
      '--pull=never',
      '--layers=false',
      '--target',
      options.target,
    ];
    args.push('--tag', options.tag, '--file', projectPath('Dockerfile'));
    const ca = hostCaBundle();
    if (ca) {
      writeFileSync(join(scratch, 'npmrc'), 'cafile=/run/host-ca/ca-certificates.crt\n');
      args.push('--volume', `${ca}:/run/host-ca/ca-certificates.crt:ro`);
      args.push('--volume', `${join(scratch, 'npmrc')}:/usr/local/etc/npmrc:ro`);
    }
    cpSync(options.prebuilds, join(scratch, 'prebuilds'), { recursive: true });
    args.push('--volume', `${join(scratch, 'prebuilds')}:/root/.npm/_prebuilds`);
    args.push(projectPath());
    log(
      `podman build --target ${options.target} -t ${options.tag} (log: ${join(tmpdir(), 'check-image-build.log')})`,
    );
    const started = performance.now();
    const code = await podmanLogged(args, join(tmpdir(), 'check-image-build.log'));
    const ms = performance.now() - started;
    if (code !== 0) {
      const tail = readFileSync(join(tmpdir(), 'check-image-build.log'), 'utf8')
        .split('\n')
        .slice(-25)
        .join('\n');
      throw new Error(`podman build failed (exit ${code}):\n${tail}`);
    }
    const sizeBytes = Number(await podman(['image', 'inspect', '--format', '{{.Size}}', options.tag]));
    return { tag: options.tag, ms, sizeBytes };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Removes an image. Builds run with --layers=false leave no untagged intermediate images, and no global prune is
 * done: another check may be building at the same time.
 */
export async function removeImage(tag: string): Promise<void> {
  await podman(['rmi', '--force', tag]).catch(() => undefined);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
