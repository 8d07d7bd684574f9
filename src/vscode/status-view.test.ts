import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeStatus, type StatusInputs } from './status-view';

const ready: StatusInputs = {
  runtime: { kind: 'ok', onnxruntimeVersion: '1.30.0', output: [1], elapsedMs: 3 },
  service: { kind: 'ready', notes: 2, model: 'm' },
  completionsShow: 'confident',
  writing: undefined,
  restricted: false,
};

test('status: on, off, writing and error, each with a label that starts with the runtime state', () => {
  assert.equal(describeStatus(ready).kind, 'on');
  assert.equal(describeStatus(ready).label, 'mnemo: onnxruntime ready; completions on (confident)');
  assert.equal(describeStatus(ready).text, '$(database) mnemo');
  assert.match(describeStatus(ready).tooltip, /shown only where likely right/);
  // Another mode than the default says which in the bar itself.
  assert.equal(describeStatus({ ...ready, completionsShow: 'memory-only' }).text, '$(database) mnemo: memory-only');
  assert.equal(describeStatus({ ...ready, completionsShow: 'always' }).label, 'mnemo: onnxruntime ready; completions on (always)');
  assert.match(describeStatus(ready).tooltip, /2 notes in memory/);
  assert.equal(describeStatus({ ...ready, completionsShow: 'off' }).kind, 'off');
  const writing = describeStatus({ ...ready, writing: 'Money is integer cents' });
  assert.equal(writing.kind, 'writing');
  assert.match(writing.text, /sync~spin/);
  const failed = describeStatus({ ...ready, service: { kind: 'failed', message: 'worker exited' } });
  assert.equal(failed.kind, 'error');
  assert.match(failed.label, /^mnemo: onnxruntime ready; error: worker exited$/);
  const runtimeFailed = describeStatus({ ...ready, runtime: { kind: 'failed', stage: 'compare', message: 'no addon' } });
  assert.equal(runtimeFailed.kind, 'error');
  assert.match(runtimeFailed.label, /^mnemo: onnxruntime failed/);
});

test('status: no model, starting and restricted mode are told apart', () => {
  const noModel = describeStatus({ ...ready, service: { kind: 'no-model', message: 'No model in x.', hint: 'Install one.' } });
  assert.equal(noModel.kind, 'no-model');
  assert.match(noModel.tooltip, /model not installed\. No model in x\. Install one\./);
  assert.equal(describeStatus({ ...ready, service: { kind: 'starting' } }).kind, 'starting');
  assert.equal(describeStatus({ ...ready, runtime: { kind: 'checking' } }).kind, 'starting');
  assert.match(describeStatus({ ...ready, restricted: true }).tooltip, /Restricted mode/);
  // Opening a store of another model re-learns its notes: the item says so, with the share done.
  const upgrading = describeStatus({
    ...ready,
    service: { kind: 'starting', progress: { message: 'Re-learning note 3 of 8 with the new model (p003)', fraction: 0.25 } },
  });
  assert.equal(upgrading.kind, 'starting');
  assert.equal(upgrading.text, '$(sync~spin) mnemo 25%');
  assert.match(upgrading.label, /starting: Re-learning note 3 of 8/);
  assert.match(upgrading.tooltip, /Re-learning note 3 of 8/);
  // A write shows even before the worker reports ready.
  assert.equal(describeStatus({ ...ready, service: { kind: 'starting' }, writing: 'x' }).kind, 'writing');
});
