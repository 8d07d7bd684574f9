import { test } from 'node:test';
import assert from 'node:assert/strict';
import { float16BitsToFloat32, float32ToFloat16Bits, fromFloat16Array, toFloat16Array } from './float16';

test('exactly representable values round-trip through fp16', () => {
  for (const value of [0, 1, -2, 0.5, 65504, -65504, 2 ** -14, 2 ** -24, 1.5, 1000.5]) {
    assert.equal(float16BitsToFloat32(float32ToFloat16Bits(value)), value);
  }
});

test('known bit patterns', () => {
  assert.equal(float32ToFloat16Bits(1), 0x3c00);
  assert.equal(float32ToFloat16Bits(-2), 0xc000);
  assert.equal(float32ToFloat16Bits(Infinity), 0x7c00);
  assert.equal(float32ToFloat16Bits(1e6), 0x7c00); // overflow
  assert.ok(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN))));
  assert.equal(float32ToFloat16Bits(1 + 2 ** -11), 0x3c00); // halfway rounds to even
  assert.equal(float32ToFloat16Bits(1 + 3 * 2 ** -11), 0x3c02);
});

test("random values stay within fp16's relative precision", () => {
  const values = new Float32Array(1000).map((_, i) => Math.sin(i * 12.9898) * 3);
  const back = fromFloat16Array(toFloat16Array(values));
  for (let i = 0; i < values.length; i++) {
    const tolerance = Math.max(Math.abs(values[i]!) * 2 ** -11, 2 ** -25);
    assert.ok(Math.abs(back[i]! - values[i]!) <= tolerance, `value ${values[i]} came back as ${back[i]}`);
  }
});
