// Tests for the corpus file filters: kinds, module stems across builds, minified detection.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePreference, duplicatePreference, isBundlePath, isMinifiedOrBundled, moduleStem, sourceKind } from './sourceFilter';

test('sourceKind tells .d.ts from .ts and skips changelogs', () => {
  assert.equal(sourceKind('dist/index.d.ts'), 'dts');
  assert.equal(sourceKind('dist/index.d.mts'), 'dts');
  assert.equal(sourceKind('src/index.ts'), 'ts');
  assert.equal(sourceKind('lib/a.cjs'), 'js');
  assert.equal(sourceKind('README.md'), 'doc');
  assert.equal(sourceKind('CHANGELOG.md'), undefined);
  assert.equal(sourceKind('package.json'), undefined);
  assert.equal(sourceKind('dist/index.js.map'), undefined);
});

test('moduleStem maps every build of a module to one stem', () => {
  const builds = [
    'src/internal/operators/map.ts',
    'dist/cjs/internal/operators/map.js',
    'dist/esm5/internal/operators/map.js',
    'dist/types/internal/operators/map.d.ts',
  ];
  assert.deepEqual(new Set(builds.map(moduleStem)), new Set(['internal/operators/map']));
  assert.equal(moduleStem('dist/vue.esm-bundler.js'), moduleStem('dist/vue.cjs.js'));
  assert.notEqual(moduleStem('src/a/index.ts'), moduleStem('src/b/index.ts'));
});

test('duplicate preference picks .ts over .js over .d.ts, then source folders', () => {
  const candidates: [Parameters<typeof duplicatePreference>[0], string][] = [
    ['dts', 'dist/types/map.d.ts'],
    ['js', 'dist/cjs/map.js'],
    ['ts', 'src/map.ts'],
    ['js', 'map.js'],
  ];
  const best = [...candidates].sort((a, b) => comparePreference(duplicatePreference(...a), duplicatePreference(...b)));
  assert.deepEqual(best.map(([, file]) => file), ['src/map.ts', 'map.js', 'dist/cjs/map.js', 'dist/types/map.d.ts']);
});

test('bundle paths and minified text are recognised; ordinary code is not', () => {
  assert.ok(isBundlePath('dist/umd/index.js'));
  assert.ok(isBundlePath('dist/lib.min.js'));
  assert.ok(!isBundlePath('src/minimum.js'));
  const minified = 'var a=1;'.repeat(200) + '\n' + 'x();\n';
  assert.ok(isMinifiedOrBundled(minified));
  const readable = Array.from({ length: 200 }, (_, i) => `const value${i} = compute(${i});`).join('\n');
  assert.ok(!isMinifiedOrBundled(readable));
  assert.ok(isMinifiedOrBundled('/******/ (() => {\n var __webpack_require__ = {};\n})();'));
});
