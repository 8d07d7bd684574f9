// Integration: `mnemo: Show Status` reports the versions and that onnxruntime-node loaded and ran a
// graph inside this extension host (the command runs here, in the same process as this test).
import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { expectedOutput } from '../../src/vscode/onnx-self-check';
import type { StatusReport } from '../../src/vscode/status-report';
import { manifest, waitForActivation } from './extension-host';

describe('mnemo: Show Status', () => {
  it('reports the extension and VS Code versions', async () => {
    await waitForActivation(30_000);
    const report = await vscode.commands.executeCommand<StatusReport>('mnemo.showStatus');
    assert.equal(report.extensionVersion, manifest().version);
    assert.equal(report.vscodeVersion, vscode.version);
    assert.equal(report.extensionHostNode, process.versions.node);
  });

  it('reports that onnxruntime-node ran the test graph in the extension host with the right numbers', async () => {
    await waitForActivation(30_000);
    const report = await vscode.commands.executeCommand<StatusReport>('mnemo.showStatus');
    assert.equal(report.onnxruntime.kind, 'ok', JSON.stringify(report.onnxruntime));
    if (report.onnxruntime.kind !== 'ok') return;
    assert.match(report.onnxruntime.onnxruntimeVersion, /^1\.\d+\.\d+$/);
    const expected = expectedOutput();
    assert.equal(report.onnxruntime.output.length, expected.length);
    report.onnxruntime.output.forEach((value, i) => {
      assert.ok(Math.abs(value - expected[i]) < 1e-5, `output[${i}] = ${value}, expected ${expected[i]}`);
    });
  });
});
