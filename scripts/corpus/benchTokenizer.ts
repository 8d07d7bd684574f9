// Measures the tokenizer: load time, encode MB/s (first pass and warm), decode speed and
// bytes/token on ~1 MB of the corpus package cache (or this repository's sources if it is absent).
// Run: node --import tsx scripts/corpus/benchTokenizer.ts

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadTokenizer } from '../../src/model/tokenizer';

const repoRoot = path.join(__dirname, '..', '..');

function sampleText(limitBytes: number): string {
  const cache = path.join(repoRoot, 'corpus/.cache/npm/node_modules');
  const roots = existsSync(cache)
    ? ['rxjs/src/internal', 'three/src/math', 'typescript/lib/lib.es5.d.ts', 'axios/README.md'].map((p) => path.join(cache, p))
    : [path.join(repoRoot, 'src')];
  const parts: string[] = [];
  let bytes = 0;
  const visit = (file: string): void => {
    if (bytes >= limitBytes) return;
    if (statSync(file).isDirectory()) {
      for (const entry of readdirSync(file).sort()) visit(path.join(file, entry));
    } else if (/\.(ts|js|md)$/.test(file)) {
      const text = readFileSync(file, 'utf8');
      parts.push(text);
      bytes += Buffer.byteLength(text);
    }
  };
  for (const root of roots) visit(root);
  return parts.join('\n');
}

function main(): void {
  let started = performance.now();
  const tokenizer = loadTokenizer();
  const loadMs = performance.now() - started;
  const text = sampleText(1_000_000);
  const megabytes = Buffer.byteLength(text) / 1e6;
  const speeds: number[] = [];
  let ids: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    started = performance.now();
    ids = tokenizer.encode(text);
    speeds.push(megabytes / ((performance.now() - started) / 1000));
  }
  started = performance.now();
  const decoded = tokenizer.decode(ids);
  const decodeMs = performance.now() - started;
  if (decoded !== text) throw new Error('round trip failed');
  console.log(
    JSON.stringify({
      tokenizer: tokenizer.id,
      load_ms: +loadMs.toFixed(1),
      sample_mb: +megabytes.toFixed(2),
      encode_mb_per_s_first: +speeds[0]!.toFixed(2),
      encode_mb_per_s_warm: +Math.max(...speeds.slice(1)).toFixed(2),
      decode_tokens_per_s: Math.round(ids.length / (decodeMs / 1000)),
      bytes_per_token: +(megabytes * 1e6 / ids.length).toFixed(3),
    }),
  );
}

main();
