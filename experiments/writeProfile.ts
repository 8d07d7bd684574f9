// Profile: remembers the first N public notes (and distractors) through the service on a fresh store
// and prints each write's time and the time spent in the model's and writers' methods (wrapped).
//
//   N=12 node --import tsx scripts/experiments/writeProfile.ts
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryService } from '../src/service/memoryService';
import { loadEvalSet } from '../src/eval/evalSet';
import { LanguageModel } from '../src/model/languageModel';
const spent = new Map<string, number>();
for (const name of Object.getOwnPropertyNames(LanguageModel.prototype)) {
  const f = (LanguageModel.prototype as any)[name];
  if (typeof f !== 'function' || f.constructor.name !== 'AsyncFunction' || name === 'session') continue;
  (LanguageModel.prototype as any)[name] = async function (...args: any[]) { const t = performance.now(); try { return await f.apply(this, args); } finally { spent.set(name, (spent.get(name) ?? 0) + performance.now() - t); } };
}
import { MemoryWriter } from '../src/memory/rows/rowWriter';
import { NoteSlotKeeper } from '../src/service/noteSlotKeeper';
for (const [cls, names] of [[MemoryWriter.prototype, ['train', 'address', 'footprint']], [NoteSlotKeeper.prototype, ['sync']]] as const) {
  for (const name of Object.getOwnPropertyNames(cls)) {
    const f = (cls as any)[name];
    if (typeof f !== 'function' || name === 'constructor') continue;
    (cls as any)[name] = function (...args: any[]) { const t = performance.now(); const r = f.apply(this, args); if (r && typeof r.then === 'function') return r.finally(() => spent.set('W.' + name, (spent.get('W.' + name) ?? 0) + performance.now() - t)); spent.set('W.' + name, (spent.get('W.' + name) ?? 0) + performance.now() - t); return r; };
  }
}
async function main() {
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prof-'));
  const service = await MemoryService.open({ storeDir, modelDir: 'native/model' } as any);
  const set = loadEvalSet('../shared/eval/public');
  const notes = [...set.notes, ...set.distractors].slice(0, Number(process.env.N ?? 10));
  const times: number[] = [];
  for (const n of notes) { const t = performance.now(); await service.remember({ text: n.note, id: n.id }); times.push(performance.now() - t); }
  console.log(times.map((t) => t.toFixed(0)).join(' '));
  console.log([...spent].map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '));
  await service.close();
}
main();
