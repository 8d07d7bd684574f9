// Plain SGD (no momentum, no decay) on selected rows of a row-major 2-D parameter: the memory write
// updates only the value rows of the slots it selected.

/**
 * table[rows[i]] -= lr * rowGradients[i] for each i; rowGradients holds rows.length x cols values
 * (the gradient of the gathered rows). A repeated row id gets each of its gradients.
 */
export function sgdRows(table: Float32Array, cols: number, rows: ArrayLike<number>, rowGradients: Float32Array, lr: number): void {
  if (rowGradients.length !== rows.length * cols) {
    throw new Error(`sgdRows: ${rows.length} rows of ${cols} need ${rows.length * cols} gradient values, got ${rowGradients.length}`);
  }
  const tableRows = table.length / cols;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!Number.isInteger(row) || row < 0 || row >= tableRows) throw new Error(`sgdRows: row ${row} outside 0..${tableRows - 1}`);
    const base = row * cols;
    const from = i * cols;
    for (let j = 0; j < cols; j++) table[base + j] -= lr * rowGradients[from + j];
  }
}

/** The same update taking the rows from a gradient of the whole table (each distinct row once). */
export function sgdRowsFromTableGradient(
  table: Float32Array,
  cols: number,
  rows: ArrayLike<number>,
  tableGradient: Float32Array,
  lr: number,
): void {
  if (tableGradient.length !== table.length) throw new Error('sgdRowsFromTableGradient: gradient and table sizes differ');
  const distinct = [...new Set(Array.from(rows))];
  const gathered = new Float32Array(distinct.length * cols);
  distinct.forEach((row, i) => gathered.set(tableGradient.subarray(row * cols, (row + 1) * cols), i * cols));
  sgdRows(table, cols, distinct, gathered, lr);
}
