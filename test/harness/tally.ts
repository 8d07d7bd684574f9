// Counting results across phases, and the closing lines the run prints.
export interface Tally {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export const EMPTY_TALLY: Tally = { passed: 0, failed: 0, skipped: 0 };

export function addTallies(...tallies: Tally[]): Tally {
  return tallies.reduce(
    (sum, t) => ({
      passed: sum.passed + t.passed,
      failed: sum.failed + t.failed,
      skipped: sum.skipped + t.skipped,
    }),
    EMPTY_TALLY,
  );
}

/** "label: N passed, M failed[, K skipped]": the line CI and people read. */
export function tallyLine(label: string, tally: Tally): string {
  const skipped = tally.skipped > 0 ? `, ${tally.skipped} skipped` : '';
  return `${label}: ${tally.passed} passed, ${tally.failed} failed${skipped}`;
}

/** Reads the summary of Node's spec reporter ("ℹ pass 12" / "ℹ fail 0" / "ℹ skipped 1"). */
export function parseNodeTestSummary(output: string): Tally | undefined {
  const count = (name: string): number | undefined => {
    const m = new RegExp(`^ℹ ${name} (\\d+)$`, 'm').exec(output);
    return m ? Number(m[1]) : undefined;
  };
  const passed = count('pass');
  const failed = count('fail');
  if (passed === undefined || failed === undefined) return undefined;
  return { passed, failed: failed + (count('cancelled') ?? 0), skipped: (count('skipped') ?? 0) + (count('todo') ?? 0) };
}

/** Reads the extension-host suite's marker line, e.g. "VSCODE_TEST_RESULT passed=5 failed=0 pending=0". */
export function parseExtensionHostResult(line: string): Tally | undefined {
  const m = /VSCODE_TEST_RESULT passed=(\d+) failed=(\d+)(?: pending=(\d+))?/.exec(line);
  return m ? { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] ?? 0) } : undefined;
}
