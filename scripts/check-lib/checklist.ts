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
