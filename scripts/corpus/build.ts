// `npm run corpus`: builds mnemo's pretraining corpus from the pinned npm packages.
//
//   1. install the pinned packages (scripts/corpus/packages) into corpus/.cache/npm
//   2. collect readable .ts/.js/.d.ts and markdown per package (collectPackages.ts)
//   3. hold out whole packages, dedupe by content hash, cap each package's share
//   4. make question/answer exchanges from the docs and JSDoc (docQuestions.ts)
//   5. tokenize on worker threads and write corpus/{train,heldout,qa,qa-heldout}.bin
//      (little-endian uint16 ids, each document ending with <|endoftext|>) and corpus/manifest.json
//
// Every choice is sorted or seeded (corpusConfig.ts), so two runs give the same sha256s.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { deriveSeed, seededRandom, SeededRandom } from '../../src/model/seededRandom';
import { TOKENIZER_ID } from '../../src/model/tokenizer';
import { VOCAB_SIZE } from '../../src/model/specialTokens';
import { CorpusFile, DropCounts, collectPackageFiles, compareText, findPackages, PackageInfo } from './collectPackages';
import {
  CORPUS_DIR,
  CORPUS_SEED,
  DISTRACTOR_SHARE,
  HELD_OUT_PACKAGES,
  PACKAGE_LIST_DIR,
  PACKAGE_QA_CAP,
  PACKAGE_QA_CAP_OVERRIDES,
  DEBIAN_CACHE_DIR,
  PACKAGE_SHARE_CAP,
  PACKAGE_CACHE_DIR,
} from './corpusConfig';
import type { CorpusDocument } from './corpusDocument';
import { QaExample, docCommentExamples, markdownExamples } from './docQuestions';
import { installPinnedPackages } from './installPackages';
import { DEBIAN_DOC_PACKAGES, debianDocFiles } from './debianDocs';
import { tokenizeDocuments } from './tokenizeDocuments';

const repoRoot = path.join(__dirname, '..', '..');

/** Keep at most this many examples with one identical answer per package. */
const MAX_SAME_ANSWER = 3;

interface PackageFiles {
  readonly pkg: PackageInfo;
  readonly files: CorpusFile[];
}

interface SplitSummary {
  file: string;
  documents: number;
  bytes: number;
  tokens: number;
  sha256: string;
}

/** Fisher-Yates with the seeded generator. */
function shuffle<T>(items: T[], random: SeededRandom): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** A stable pseudo-random order key for a file, independent of the other files. */
function orderKey(file: CorpusFile): string {
  return createHash('sha256').update(`${CORPUS_SEED}:${file.packageName}/${file.relativePath}`).digest('hex');
}

/** Keeps all docs, then code files in seeded order until the package reaches the byte cap. */
function capPackage(files: CorpusFile[], capBytes: number): CorpusFile[] {
  const docs = files.filter((file) => file.kind === 'doc');
  const code = files.filter((file) => file.kind !== 'doc').sort((a, b) => compareText(orderKey(a), orderKey(b)));
  const kept = [...docs];
  let bytes = docs.reduce((sum, file) => sum + file.bytes, 0);
  for (const file of code) {
    if (bytes + file.bytes > capBytes) continue;
    kept.push(file);
    bytes += file.bytes;
  }
  return kept.sort((a, b) => compareText(a.relativePath, b.relativePath));
}

/** Drops files whose content was already seen (earlier packages win; held-out packages go first). */
function dedupeByContent(groups: PackageFiles[], seen: Set<string>): PackageFiles[] {
  return groups.map(({ pkg, files }) => ({
    pkg,
    files: files.filter((file) => {
      if (seen.has(file.sha256)) return false;
      seen.add(file.sha256);
      return true;
    }),
  }));
}

function fileDocument(file: CorpusFile): CorpusDocument {
  return { type: 'file', path: `${file.packageName}/${file.relativePath}`, text: file.text };
}

/** Question/answer examples for a set of packages, capped per package, deduplicated, with distractors. */
function qaExamples(groups: PackageFiles[], stream: number): { examples: QaExample[]; templates: Record<string, number> } {
  const all: QaExample[] = [];
  for (const { pkg, files } of groups) {
    const random = seededRandom(deriveSeed(CORPUS_SEED, stream + hashNumber(pkg.name)));
    let examples: QaExample[] = [];
    for (const file of files) {
      const name = pkg.displayName ?? pkg.name;
      examples.push(...(file.kind === 'doc' ? markdownExamples(name, file.text, random) : docCommentExamples(name, file.text, random)));
    }
    const seen = new Set<string>();
    const answerCounts = new Map<string, number>();
    examples = examples.filter((example) => {
      const key = JSON.stringify([example.notes, example.question, example.answer]);
      if (seen.has(key)) return false;
      seen.add(key);
      // Boilerplate answers ("This feature is well established...", on every CSS property) teach nothing.
      const count = (answerCounts.get(example.answer) ?? 0) + 1;
      answerCounts.set(example.answer, count);
      return count <= MAX_SAME_ANSWER;
    });
    const cap = PACKAGE_QA_CAP_OVERRIDES[pkg.name] ?? PACKAGE_QA_CAP;
    if (examples.length > cap) examples = shuffle(examples, random).slice(0, cap);
    all.push(...examples);
  }
  const random = seededRandom(deriveSeed(CORPUS_SEED, stream));
  const notePool = all.filter((example) => example.notes.length > 0).map((example) => example.notes[0]!);
  const withDistractors = all.map((example) => {
    if (example.notes.length === 0 || notePool.length < 3 || random.next() >= DISTRACTOR_SHARE) return example;
    const notes = [...example.notes];
    const extra = 1 + random.int(2);
    for (let i = 0; i < extra; i++) notes.splice(random.int(notes.length + 1), 0, notePool[random.int(notePool.length)]!);
    return { ...example, notes, template: `${example.template}+distractors` };
  });
  const templates: Record<string, number> = {};
  for (const example of withDistractors) templates[example.template] = (templates[example.template] ?? 0) + 1;
  return { examples: shuffle(withDistractors, random), templates };
}

/** Write then rename, so a trainer reading corpus/ never sees a half-written file. */
function writeAtomically(filePath: string, data: Uint8Array | string): void {
  const temporary = `${filePath}.partial`;
  writeFileSync(temporary, data);
  renameSync(temporary, filePath);
}

function hashNumber(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32LE(0);
}

async function writeSplit(name: string, documents: CorpusDocument[], workers: number): Promise<SplitSummary> {
  const { tokens } = await tokenizeDocuments(documents, workers);
  const bytes = Buffer.from(tokens.buffer, tokens.byteOffset, tokens.byteLength);
  // Uint16Array uses the platform's byte order; the files are little-endian by definition.
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('big-endian hosts are not supported');
  const file = `${name}.bin`;
  writeAtomically(path.join(repoRoot, CORPUS_DIR, file), bytes);
  const textBytes = documents.reduce(
    (sum, document) =>
      sum +
      (document.type === 'file'
        ? Buffer.byteLength(document.text)
        : Buffer.byteLength(document.question) + Buffer.byteLength(document.answer) + document.notes.reduce((s, note) => s + Buffer.byteLength(note), 0)),
    0,
  );
  return {
    file,
    documents: documents.length,
    bytes: textBytes,
    tokens: tokens.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

function sumBytesByKind(groups: PackageFiles[]): Record<string, { files: number; bytes: number }> {
  const out: Record<string, { files: number; bytes: number }> = {};
  for (const { files } of groups) {
    for (const file of files) {
      const entry = (out[file.kind] ??= { files: 0, bytes: 0 });
      entry.files++;
      entry.bytes += file.bytes;
    }
  }
  return out;
}

async function main(): Promise<void> {
  const started = performance.now();
  const nodeModules = installPinnedPackages(path.join(repoRoot, PACKAGE_LIST_DIR), path.join(repoRoot, PACKAGE_CACHE_DIR));
  mkdirSync(path.join(repoRoot, CORPUS_DIR), { recursive: true });

  const drops: DropCounts = { oversized: 0, bundlePath: 0, minified: 0, duplicateBuild: 0, notUtf8: 0 };
  const packages = findPackages(nodeModules);
  const collected: PackageFiles[] = packages.map((pkg) => ({ pkg, files: collectPackageFiles(pkg, drops) }));
  for (const spec of DEBIAN_DOC_PACKAGES) collected.push(debianDocFiles(spec, path.join(repoRoot, DEBIAN_CACHE_DIR)));
  const heldOutNames = new Set(HELD_OUT_PACKAGES);
  const missing = HELD_OUT_PACKAGES.filter((name) => !packages.some((pkg) => pkg.name === name));
  if (missing.length > 0) throw new Error(`held-out packages not installed: ${missing.join(', ')}`);

  const seen = new Set<string>();
  const heldOut = dedupeByContent(collected.filter(({ pkg }) => heldOutNames.has(pkg.name)), seen);
  const trainUncapped = dedupeByContent(collected.filter(({ pkg }) => !heldOutNames.has(pkg.name)), seen);
  const uncappedBytes = trainUncapped.reduce((sum, { files }) => sum + files.reduce((s, file) => s + file.bytes, 0), 0);
  const capBytes = Math.floor(uncappedBytes * PACKAGE_SHARE_CAP);
  const train = trainUncapped.map(({ pkg, files }) => ({ pkg, files: capPackage(files, capBytes) }));
  console.log(`collected ${packages.length} packages in ${((performance.now() - started) / 1000).toFixed(1)} s; per-package cap ${(capBytes / 1e6).toFixed(2)} MB`);

  const trainDocuments = shuffle(train.flatMap(({ files }) => files.map(fileDocument)), seededRandom(deriveSeed(CORPUS_SEED, 1)));
  const heldOutDocuments = shuffle(heldOut.flatMap(({ files }) => files.map(fileDocument)), seededRandom(deriveSeed(CORPUS_SEED, 2)));
  const qaTrain = qaExamples(train, 3);
  const qaHeldOut = qaExamples(heldOut, 4);
  const exchange = (example: QaExample): CorpusDocument => ({ type: 'exchange', notes: example.notes, question: example.question, answer: example.answer });

  const workers = Math.max(1, Math.min(2, availableParallelism()));
  const splits = {
    train: await writeSplit('train', trainDocuments, workers),
    heldout: await writeSplit('heldout', heldOutDocuments, workers),
    qa: await writeSplit('qa', qaTrain.examples.map(exchange), workers),
    qaHeldout: await writeSplit('qa-heldout', qaHeldOut.examples.map(exchange), workers),
  };

  const describe = (groups: PackageFiles[]) =>
    groups
      .filter(({ files }) => files.length > 0)
      .map(({ pkg, files }) => ({
        name: pkg.name,
        version: pkg.version,
        license: pkg.license,
        files: files.length,
        bytes: files.reduce((sum, file) => sum + file.bytes, 0),
      }));
  const manifest = {
    format: 'mnemo-corpus-v1',
    tokenizer: TOKENIZER_ID,
    vocabSize: VOCAB_SIZE,
    dtype: 'uint16-le',
    separator: '<|endoftext|> (id 16384) ends every document',
    seed: CORPUS_SEED,
    heldOutPackages: HELD_OUT_PACKAGES,
    packageShareCap: PACKAGE_SHARE_CAP,
    packageQaCap: PACKAGE_QA_CAP,
    packageQaCapOverrides: PACKAGE_QA_CAP_OVERRIDES,
    debianDocPackages: DEBIAN_DOC_PACKAGES.map(({ name, version, sha256, license }) => ({ name, version, sha256, license })),
    splits,
    kinds: { train: sumBytesByKind(train), heldout: sumBytesByKind(heldOut) },
    dropped: { ...drops, cappedBytes: uncappedBytes - splits.train.bytes },
    qaTemplates: { train: qaTrain.templates, heldout: qaHeldOut.templates },
    packages: { train: describe(train), heldout: describe(heldOut) },
  };
  writeAtomically(path.join(repoRoot, CORPUS_DIR, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

  const seconds = (performance.now() - started) / 1000;
  for (const split of Object.values(splits)) {
    console.log(
      `${split.file.padEnd(15)} ${String(split.documents).padStart(7)} docs ${(split.bytes / 1e6).toFixed(2).padStart(8)} MB text ` +
        `${String(split.tokens).padStart(10)} tokens ${(split.bytes / split.tokens).toFixed(2)} bytes/token  sha256 ${split.sha256.slice(0, 16)}`,
    );
  }
  const totalBytes = Object.values(splits).reduce((sum, split) => sum + split.bytes, 0);
  const totalTokens = Object.values(splits).reduce((sum, split) => sum + split.tokens, 0);
  console.log(`corpus: ${totalBytes} bytes of text, ${totalTokens} tokens, built in ${seconds.toFixed(1)} s -> ${CORPUS_DIR}/manifest.json`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
