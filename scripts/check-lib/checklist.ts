/**
 * Prints one line per check (✓ or ✗, what was seen, how long it took) for the slow container checks. The first
 * failure stops the run: later checks depend on earlier ones. `finish` runs the clean-up whatever happened and
 * sets the exit code.
 */
export class Checklist {
  private readonly started = performance.now();
  failed = false;

  constructor(private readonly title: string) {
    process.stdout.write(`${title}\n`);
  }

  log = (line: string): void => {
    process.stdout.write(`    ${line}\n`);
  };

  async check<T>(name: string, fn: () => Promise<T | { value: T; detail: string }>): Promise<T> {
    const started = performance.now();
    try {
      const result = await fn();
      const detail =
        result && typeof result === 'object' && 'detail' in result ? ` (${String(result.detail)})` : '';
      process.stdout.write(`  ✓ ${name}${detail} [${seconds(performance.now() - started)}]\n`);
      return result && typeof result === 'object' && 'detail' in result
        ? (result as { value: T }).value
        : (result as T);
    } catch (err) {
      this.failed = true;
      process.stdout.write(
        `  ✗ ${name}: ${(err as Error).message} [${seconds(performance.now() - started)}]\n`,
      );
      throw new CheckFailed(name);
    }
  }

  /**
   * Runs the checks of `main`, then `cleanup` whatever happened, and exits: 0 when every check passed. An error
   * thrown outside a check (e.g. in set-up) is reported as a failed line too.
   */
  run(main: () => Promise<void>, cleanup: () => Promise<void> = async () => undefined): void {
    void main()
      .catch((err: unknown) => {
        if (!this.failed) {
          this.failed = true;
          process.stdout.write(`  ✗ ${(err as Error).message}\n`);
        }
      })
      .finally(() => this.finish(cleanup));
  }

  async finish(cleanup: () => Promise<void>): Promise<never> {
    try {
      await cleanup();
    } catch (err) {
      process.stdout.write(`  ! clean-up: ${(err as Error).message}\n`);
    }
    const total = seconds(performance.now() - this.started);
    process.stdout.write(`${this.title}: ${this.failed ? 'FAILED' : 'all checks passed'} in ${total}\n`);
    process.exit(this.failed ? 1 : 0);
  }
}

export class CheckFailed extends Error {}

export const seconds = (ms: number) =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(1)} s`;

export function expectThat(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/**
 * Polls `url` until it answers 200 (each try bounded to 2 s); resolves with the time it took, or throws after
 * `limitMs` naming the last status seen (0 = no answer).
 */
export async function waitForOk(url: string, limitMs: number, intervalMs = 200): Promise<number> {
  const started = performance.now();
  for (;;) {
    const status = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return performance.now() - started;
    if (performance.now() - started > limitMs)
      throw new Error(`${new URL(url).pathname} answered ${status} for ${Math.round(limitMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
