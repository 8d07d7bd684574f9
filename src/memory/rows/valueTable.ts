// The live model's memory value table, (S, C) float32, as the writer, forget and the store see it:
// read rows, set rows, apply the store's row updates. Edits are in place: the model feeds the same
// array to every run, so the next forward pass reads them.

import type { LanguageModel } from '../../model/languageModel';
import { memoryValuesName } from '../../model/parameters';
import type { RowUpdate } from '../store/state';

export interface ValueTable {
  readonly data: Float32Array; // (S, C), row-major
  readonly rowWidth: number; // C
  readonly slotCount: number; // S
}

export function valueTableOf(model: LanguageModel): ValueTable {
  const name = memoryValuesName(model.config);
  const tensor = model.parameters.get(name);
  if (!tensor || model.config.memoryKind !== 'pkm') throw new Error(`the model has no memory value table (${name})`);
  const [slotCount, rowWidth] = tensor.shape as [number, number];
  return { data: tensor.data, rowWidth, slotCount };
}

function checkSlot(table: ValueTable, slot: number): void {
  if (!Number.isInteger(slot) || slot < 0 || slot >= table.slotCount) {
    throw new RangeError(`slot ${slot} is outside the value table (0..${table.slotCount - 1})`);
  }
}

/** Copies of the rows of `slots`, packed in that order: slots.length * C floats. */
export function readRows(table: ValueTable, slots: readonly number[]): Float32Array {
  const C = table.rowWidth;
  const out = new Float32Array(slots.length * C);
  slots.forEach((slot, i) => {
    checkSlot(table, slot);
    out.set(table.data.subarray(slot * C, (slot + 1) * C), i * C);
  });
  return out;
}

/** Sets the rows of `slots` from `rows` (packed in that order), bit for bit. */
export function writeRows(table: ValueTable, slots: readonly number[], rows: Float32Array): void {
  const C = table.rowWidth;
  if (rows.length !== slots.length * C)
    throw new RangeError(`writeRows: ${slots.length} rows of ${C} need ${slots.length * C} floats, got ${rows.length}`);
  slots.forEach((slot, i) => {
    checkSlot(table, slot);
    table.data.set(rows.subarray(i * C, (i + 1) * C), slot * C);
  });
}

/** Applies the store's row updates (forget, supersede, import, other windows' writes). */
export function applyRowUpdates(table: ValueTable, updates: readonly RowUpdate[]): void {
  for (const { slot, row } of updates) {
    checkSlot(table, slot);
    if (row.length !== table.rowWidth)
      throw new RangeError(`row update of slot ${slot} has ${row.length} floats, rows have ${table.rowWidth}`);
    table.data.set(row, slot * table.rowWidth);
  }
}
