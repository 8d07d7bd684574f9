import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRunningExtensionTime } from './runningExtensionTime';

test('reads the milliseconds of the Running Extensions view', () => {
  assert.equal(parseRunningExtensionTime('Startup Activation: 123ms'), 123);
  assert.equal(parseRunningExtensionTime('45ms'), 45);
  assert.equal(parseRunningExtensionTime('Activating...'), null);
});
