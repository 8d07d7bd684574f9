import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, denseBaselineHidden, memorySlots, pkmMacsPerPosition, tinyConfig, validateConfig } from './config';
import { countParameters, initParameters, parameterSpecs } from './parameters';

test('the default config is valid and has 16,384 slots', () => {
  validateConfig(defaultConfig);
  validateConfig(tinyConfig);
  assert.equal(memorySlots(defaultConfig), 16_384);
});

test("the dense baseline FFN matches the memory layer's MACs within one hidden unit", () => {
  const hidden = denseBaselineHidden(defaultConfig);
  assert.ok(Math.abs(3 * defaultConfig.dModel * hidden - pkmMacsPerPosition(defaultConfig)) <= 3 * defaultConfig.dModel);
});

test('invalid configs are refused with the field named', () => {
  assert.throws(() => validateConfig({ ...tinyConfig, memoryLayer: 9 }), /memoryLayer/);
  assert.throws(() => validateConfig({ ...tinyConfig, nHeads: 3 }), /nHeads/);
});

test('parameters: one spec per tensor, memory values in their own group, seeded init', () => {
  const specs = parameterSpecs(tinyConfig);
  assert.equal(new Set(specs.map(s => s.name)).size, specs.length);
  assert.deepEqual(
    specs.filter(s => s.group === 'memory_values').map(s => s.name),
    ['blocks.1.pkm.values'],
  );
  const a = initParameters(tinyConfig, 1);
  const b = initParameters(tinyConfig, 1);
  assert.deepEqual(a.get('tok_emb')!.data, b.get('tok_emb')!.data);
  const dense = initParameters({ ...tinyConfig, memoryKind: 'dense' }, 1);
  assert.ok(dense.has('blocks.1.ffn.w_in') && !dense.has('blocks.1.pkm.values'));
  assert.ok(countParameters(a) > countParameters(dense));
});
