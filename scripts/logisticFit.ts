// Logistic regression by Newton's method with an L2 penalty (not on the first weight, the bias):
// small dense problems only (a few features, thousands of rows), as the show decision's fit needs.

export interface LogisticRow {
  readonly x: readonly number[];
  /** 1 or 0. */
  readonly y: number;
}

export function fitLogistic(rows: readonly LogisticRow[], l2 = 1, iterations = 50): number[] {
  const d = rows[0]?.x.length ?? 0;
  const w = new Array<number>(d).fill(0);
  for (let iter = 0; iter < iterations; iter++) {
    const gradient = w.map((wi, j) => (j === 0 ? 0 : l2 * wi));
    const hessian = w.map((_, j) => w.map((__, k) => (j === k && j > 0 ? l2 : 0)));
    for (const row of rows) {
      const p = sigmoid(dot(w, row.x));
      const s = Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j < d; j++) {
        gradient[j]! += (p - row.y) * row.x[j]!;
        for (let k = 0; k < d; k++) hessian[j]![k]! += s * row.x[j]! * row.x[k]!;
      }
    }
    const step = solve(hessian, gradient);
    let moved = 0;
    for (let j = 0; j < d; j++) {
      w[j]! -= step[j]!;
      moved = Math.max(moved, Math.abs(step[j]!));
    }
    if (moved < 1e-8) break;
  }
  return w;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Solves a x = b by Gaussian elimination with partial pivoting (a small, positive definite a). */
function solve(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    if (Math.abs(p) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / p;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!));
}
