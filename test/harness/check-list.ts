// A list of named checks run one after another outside a test framework (the .vsix and npm start
// checks drive a browser or a process): prints ✔/✖ per check and adds them up.
import type { Tally } from './tally';

export class CheckList {
  passed = 0;
  failed = 0;

  async run<T>(name: string, check: () => Promise<T>): Promise<T | undefined> {
    try {
      const value = await check();
      this.passed++;
      console.log(`  ✔ ${name}`);
      return value;
    } catch (e) {
      this.fail(name, e);
      return undefined;
    }
  }

  fail(name: string, e: unknown): void {
    this.failed++;
    console.log(`  ✖ ${name}\n      ${e instanceof Error ? e.message : String(e)}`);
  }

  /** notRun: checks that could not run because an earlier one failed count as failed. */
  tally(notRun: number): Tally {
    return { passed: this.passed, failed: this.failed + notRun, skipped: 0 };
  }
}
