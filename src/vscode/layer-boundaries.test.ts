// The layering rule of DESIGN.md §2, checked over the source: only src/vscode imports `vscode`,
// each layer imports only the layers before it (engine -> model -> memory -> service -> eval -> cli /
// vscode), and inside src/memory each sub-folder imports only the ones before it. Test files may also
// import the eval layer (fixtures from the eval sets); product files never do.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const srcRoot = path.resolve(__dirname, '..');
const LAYERS = ['engine', 'model', 'memory', 'service', 'eval', 'cli', 'vscode'] as const;
type Layer = (typeof LAYERS)[number];
/** Which layers each layer may import (cli and vscode are siblings: neither imports the other). */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  engine: [],
  model: ['engine'],
  memory: ['engine', 'model'],
  service: ['engine', 'model', 'memory'],
  eval: ['engine', 'model', 'memory', 'service'],
  cli: ['engine', 'model', 'memory', 'service', 'eval'],
  vscode: ['engine', 'model', 'memory', 'service'],
};

/** src/memory's sub-folders in import order: each may import src/memory's top-level files, `text/`
 *  (word lists and splitting, which imports no other folder) and the folders before it (README.md
 *  there draws the data flow). `robustness` holds the fault tests. */
const MEMORY_ALLOWED: Record<string, readonly string[]> = {
  intake: [],
  store: ['intake'],
  rows: ['intake', 'store'],
  keyed: ['intake', 'store', 'rows'],
  copy: ['intake', 'keyed'],
  robustness: ['intake', 'store', 'rows', 'keyed', 'copy'],
};
const MEMORY_FOUNDATION = 'text';

function memoryFolderOf(file: string): string | undefined {
  const parts = path.relative(path.join(srcRoot, 'memory'), file).split(path.sep);
  return parts.length > 1 && !parts[0].startsWith('..') ? parts[0] : undefined;
}

const isTestFile = (file: string): boolean => /\.test\.ts$/.test(file);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.(ts|mts|cts)$/.test(entry.name) ? [full] : [];
  });
}

/** Module specifiers of import/export-from/require/import() statements. */
function importedSpecifiers(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  return [...source.matchAll(pattern)].map(m => m[1]);
}

function layerOf(file: string): Layer | undefined {
  const first = path.relative(srcRoot, file).split(path.sep)[0];
  return (LAYERS as readonly string[]).includes(first) ? (first as Layer) : undefined;
}

test('only src/vscode imports the vscode module', () => {
  const offenders = sourceFiles(srcRoot)
    .filter(file => layerOf(file) !== 'vscode')
    .filter(file => importedSpecifiers(fs.readFileSync(file, 'utf8')).includes('vscode'))
    .map(file => path.relative(srcRoot, file));
  assert.deepEqual(offenders, []);
});

test('each layer imports only the layers before it', () => {
  const violations: string[] = [];
  for (const file of sourceFiles(srcRoot)) {
    const from = layerOf(file);
    if (!from) continue;
    for (const specifier of importedSpecifiers(fs.readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const to = layerOf(path.resolve(path.dirname(file), specifier));
      if (to === 'eval' && isTestFile(file)) continue;
      if (to && to !== from && !ALLOWED[from].includes(to)) {
        violations.push(`${path.relative(srcRoot, file)} imports ${specifier} (${from} -> ${to})`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

test('each src/memory sub-folder imports only the ones before it', () => {
  const violations: string[] = [];
  for (const file of sourceFiles(path.join(srcRoot, 'memory'))) {
    if (isTestFile(file)) continue;
    const from = memoryFolderOf(file);
    for (const specifier of importedSpecifiers(fs.readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), specifier);
      if (layerOf(target) !== 'memory') continue;
      const to = memoryFolderOf(target);
      if (!to || to === from || (to === MEMORY_FOUNDATION && from !== undefined)) continue;
      const allowed = from ? MEMORY_ALLOWED[from] : [];
      if (!allowed?.includes(to)) violations.push(`${path.relative(srcRoot, file)} imports ${specifier} (${from ?? 'memory/'} -> ${to})`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the import scanner sees the forms used in this codebase', () => {
  const source = `import * as a from './a';\nimport type { B } from "../b";\nimport './c';\nexport { d } from './d';\nconst e = require('e');\nconst f = await import('./f');`;
  assert.deepEqual(importedSpecifiers(source), ['./a', '../b', './c', './d', 'e', './f']);
});
