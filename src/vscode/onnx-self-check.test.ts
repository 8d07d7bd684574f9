// Unit tests for the onnxruntime self-check: the graph is valid ONNX, runs, and a wrong answer is caught.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { onnx } from 'onnx-proto';
import { compareOutputs, expectedOutput, runOnnxSelfCheck, tinyModelBytes } from './onnx-self-check';

test('expected output is X·W + B worked by hand', () => {
  // [1,2,3]·[[0.5,-1],[0.25,2],[-0.75,0.125]] = [0.5 + 0.5 - 2.25, -1 + 4 + 0.375] = [-1.25, 3.375]; + [10, -10]
  assert.deepEqual(expectedOutput(), [8.75, -6.625]);
});

test('the tiny model decodes back to MatMul then Add', () => {
  const model = onnx.ModelProto.decode(tinyModelBytes());
  assert.deepEqual(
    model.graph?.node?.map(n => n.opType),
    ['MatMul', 'Add'],
  );
  assert.deepEqual(
    model.graph?.initializer?.map(t => t.name),
    ['W', 'B'],
  );
});

test('onnxruntime-node runs the tiny graph and reproduces the numbers', async () => {
  const result = await runOnnxSelfCheck();
  assert.equal(result.kind, 'ok', JSON.stringify(result));
  if (result.kind !== 'ok') return;
  assert.match(result.onnxruntimeVersion, /^\d+\.\d+\.\d+/);
  assert.equal(result.output.length, 2);
  assert.ok(Math.abs(result.output[0] - 8.75) < 1e-5);
  assert.ok(Math.abs(result.output[1] + 6.625) < 1e-5);
});

test('compareOutputs reports a wrong value, a wrong length and NaN', () => {
  assert.equal(compareOutputs([8.75, -6.625], expectedOutput()), undefined);
  assert.match(compareOutputs([8.75, -6.6], expectedOutput()) ?? '', /output\[1\]/);
  assert.match(compareOutputs([8.75], expectedOutput()) ?? '', /expected 2 outputs/);
  assert.match(compareOutputs([NaN, -6.625], expectedOutput()) ?? '', /output\[0\]/);
});
