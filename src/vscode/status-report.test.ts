// Unit tests for the status report's wording.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { statusLines, statusSummary, type StatusReport } from './status-report';

const base: Omit<StatusReport, 'onnxruntime'> = {
  extensionVersion: '0.1.0',
  vscodeVersion: '1.139.1',
  appName: 'code-server',
  uiKind: 'web',
  extensionHostNode: '24.21.0',
};

test('summary of a working runtime names both versions and the runtime version', () => {
  const report: StatusReport = {
    ...base,
    onnxruntime: { kind: 'ok', onnxruntimeVersion: '1.30.0', output: [8.75, -6.625], elapsedMs: 12 },
  };
  assert.equal(statusSummary(report), 'mnemo 0.1.0 on VS Code 1.139.1: onnxruntime 1.30.0 ran a test graph (12 ms)');
  assert.match(statusLines(report).join('\n'), /\[8\.7500, -6\.6250\]/);
});

test('summary of a failed runtime says at which stage and why', () => {
  const report: StatusReport = {
    ...base,
    onnxruntime: { kind: 'failed', stage: 'load', message: 'cannot find module' },
  };
  assert.equal(statusSummary(report), 'mnemo 0.1.0 on VS Code 1.139.1: onnxruntime failed at load: cannot find module');
  assert.equal(statusLines(report).length, 4);
});
