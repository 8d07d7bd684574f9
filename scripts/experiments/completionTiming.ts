// A/B timing of the service's completion: the dev probes completed 3 times over an existing store
// (a copy per tree), the last two passes' p50 and p95. Run from each tree's root:
//   node --import tsx scripts/experiments/completionTiming.ts STORE_COPY
import * as fs from 'node:fs';
import * as path from 'node:path';
const root = process.cwd();
const { MemoryService } = require(path.join(root, 'src/service/memoryService'));
const { loadEvalSet } = require(path.join(root, 'src/memory/eval/evalSet'));
const { completionFilePath } = require(path.join(root, 'src/memory/eval/completionFilePath'));
async function main() {
  const set = loadEvalSet('/work/shared/eval/dev');
  const store = process.argv[2]!;
  const service = await MemoryService.open({ storeDir: store, modelDir: 'native/model', author: 'timing' });
  const ms: number[] = [];
  for (let pass = 0; pass < 3; pass++) for (const probe of set.completions) {
    const t = performance.now();
    await service.complete({ filePath: completionFilePath(probe.language), prefix: probe.prefix });
    if (pass > 0) ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(root, 'p50', ms[Math.floor(ms.length / 2)]!.toFixed(1), 'p95', ms[Math.floor(ms.length * 0.95)]!.toFixed(1), 'n', ms.length);
  await service.close();
}
void main();
