// Gives a checkpoint a note memory (ModelConfig.noteMemory): a product-key memory read from the last
// block's output, random query and keys, zero values. The model computes exactly what it did before
// (a read of zero rows adds zero) until a note is written there. Training figures are carried over
// for that reason; slot statistics are not (they describe the other memory): run
// bench/memory/backgroundStats.ts on the result, for the writer and for citations.
//
//   node --import tsx scripts/train/addNoteMemory.ts --from native/model --out DIR [--corpus corpus] [--pooled-weight 1] [--state-weight 0] [--heads 4] [--top-k 16] [--n-keys 128] [--key-dim 128] [--score-scale 8] [--seed 5151]

import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { loadCheckpoint, saveCheckpoint } from "../../src/model/checkpoint";
import { NoteMemoryConfig, validateConfig } from "../../src/model/config";
import { Parameters, noteMemorySpecs, parameterNames } from "../../src/model/parameters";
import { readCorpusSplit } from "../../src/model/corpusReader";
import { seededRandom } from "../../src/model/seededRandom";
import { HELD_OUT_SAMPLE_FILE } from "../../src/memory/keyed/heldOutLoss";

const { values: args } = parseArgs({
  options: {
    from: { type: "string" },
    out: { type: "string" },
    heads: { type: "string", default: "4" },
    "top-k": { type: "string", default: "16" },
    "n-keys": { type: "string", default: "128" },
    "key-dim": { type: "string", default: "128" },
    "score-scale": { type: "string", default: "8" },
    seed: { type: "string", default: "5151" },
    corpus: { type: "string", default: "corpus" },
    "pooled-weight": { type: "string", default: "1" },
    "state-weight": { type: "string", default: "0" },
  },
});
if (!args.from || !args.out) throw new Error("--from DIR and --out DIR are required");

/** The first block's attention value of the average background token (code and chat exchanges,
 *  by token frequency): the mean the pooled address is centred on. */
function backgroundMeanValue(parameters: Parameters, C: number, eps: number): Float32Array {
  const frequency = new Float64Array(parameters.get(parameterNames.tokenEmbedding)!.shape[0]!);
  for (const split of ["train", "qa"] as const) {
    const tokens = readCorpusSplit(args.corpus!, split);
    const stride = Math.max(1, Math.floor(tokens.length / 2_000_000));
    for (let i = 0; i < tokens.length; i += stride) frequency[tokens[i]!]! += 1 / tokens.length;
  }
  const embedding = parameters.get(parameterNames.tokenEmbedding)!.data;
  const norm = parameters.get(parameterNames.attnNorm(0))!.data;
  const qkv = parameters.get(parameterNames.attnQkv(0))!.data; // (C, 3C): the value is the last C columns
  const mean = new Float64Array(C);
  let total = 0;
  const normed = new Float64Array(C);
  frequency.forEach((f, token) => {
    if (f === 0) return;
    let square = 0;
    for (let c = 0; c < C; c++) square += embedding[token * C + c]! ** 2;
    const scale = 1 / Math.sqrt(square / C + eps);
    for (let c = 0; c < C; c++) normed[c] = embedding[token * C + c]! * scale * norm[c]!;
    for (let c = 0; c < C; c++) {
      let value = 0;
      for (let k = 0; k < C; k++) value += normed[k]! * qkv[k * 3 * C + 2 * C + c]!;
      mean[c]! += f * value;
    }
    total += f;
  });
  return Float32Array.from(mean, (v) => v / total);
}

const checkpoint = loadCheckpoint(args.from);
const noteMemory: NoteMemoryConfig = {
  nKeys: Number(args["n-keys"]),
  heads: Number(args.heads),
  topK: Number(args["top-k"]),
  keyDim: Number(args["key-dim"]),
  scoreScale: Number(args["score-scale"]),
  pooledWeight: Number(args["pooled-weight"]),
  stateWeight: Number(args["state-weight"]),
};
const config = { ...checkpoint.manifest.config, noteMemory };
validateConfig(config);
const parameters: Parameters = new Map(checkpoint.parameters);
const random = seededRandom(Number(args.seed));
for (const spec of noteMemorySpecs(config.dModel, noteMemory)) {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  parameters.set(spec.name, { shape: spec.shape, data: spec.init(random, size) });
}
saveCheckpoint(args.out, {
  kind: checkpoint.manifest.kind,
  config,
  tokenizer: checkpoint.manifest.tokenizer,
  parameters,
  training: checkpoint.manifest.training,
});
parameters.get(parameterNames.noteCentre)!.data.set(backgroundMeanValue(parameters, config.dModel, config.normEps));
const sample = path.join(args.from, HELD_OUT_SAMPLE_FILE);
if (fs.existsSync(sample)) fs.copyFileSync(sample, path.join(args.out, HELD_OUT_SAMPLE_FILE));
process.stderr.write(`wrote ${args.out}: note memory ${JSON.stringify(noteMemory)}; now run bench/memory/backgroundStats.ts on it (writer and citations)\n`);
