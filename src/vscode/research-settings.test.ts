// The service runs every subsystem at its defaults, which are what ships; the tuning knobs
// (service/researchSettings.ts, MemoryServiceOptions.research) are for measurements. Only the eval
// layer, the CLI's eval command and experiments/ may pass them, so no product path runs settings
// that were not measured as shipped. Test files may pass them too (tiny writes keep tests fast).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');
/** Where passing research settings is allowed, besides test files. */
const ALLOWED = ['src/eval/', 'src/cli/evalCommand.ts', 'src/cli/evalSubjects.ts', 'src/cli/evalReplay.ts', 'experiments/'];
/** Where they are defined and read. */
const DEFINED = ['src/service/researchSettings.ts', 'src/service/memoryService.ts'];

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.(ts|mts|cts)$/.test(entry.name) ? [full] : [];
  });
}

/** Whether a source passes research settings: a `research:` property, or an import of their type. */
function passesResearch(source: string): boolean {
  return /\bresearch\s*:/.test(source) || /from\s*['"][^'"]*\/researchSettings['"]/.test(source);
}

function passers(): string[] {
  return ['src', 'experiments', 'scripts', 'bench', 'test']
    .flatMap(dir => sourceFiles(path.join(repoRoot, dir)))
    .map(file => path.relative(repoRoot, file).split(path.sep).join('/'))
    .filter(file => passesResearch(fs.readFileSync(path.join(repoRoot, file), 'utf8')));
}

test('only the eval layer, the eval command and experiments pass research settings', () => {
  const found = passers();
  const offenders = found.filter(
    file => !/\.test\.ts$/.test(file) && !DEFINED.includes(file) && !ALLOWED.some(allowed => file.startsWith(allowed)),
  );
  assert.deepEqual(offenders, []);
  // The scan finds the place that does pass them (else it would pass by finding nothing).
  assert.ok(found.includes('src/cli/evalCommand.ts') && found.includes('src/cli/evalSubjects.ts'), `found ${found.join(', ')}`);
});

test('the research scan sees a property and an import, and not a mere word', () => {
  assert.ok(passesResearch(`MemoryService.open({ storeDir, modelDir, research: { writer } })`));
  assert.ok(passesResearch(`import type { ResearchSettings } from '../service/researchSettings';`));
  assert.ok(!passesResearch(`// research knobs live elsewhere\nconst researchy = 1;`));
});
