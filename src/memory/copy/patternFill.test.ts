// Tests of filling a note's pattern from the code: the nearest assignment to the placeholder's name.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notePatterns } from './noteSpans';
import { fillPattern } from './patternFill';

const pattern = notePatterns('each app gets a target group with health check path /_healthcheck_<app-name>, proxied by nginx.').get('/_healthcheck_')!;

test('notePatterns: head, placeholder and the text after it', () => {
  assert.deepEqual(pattern, { head: '/_healthcheck_', placeholder: 'app-name', rest: '' });
  assert.deepEqual(notePatterns('GET /api/{version}/items now').get('/api/'), { head: '/api/', placeholder: 'version', rest: '/items' });
  assert.equal(notePatterns('named <source>_<dest> always').size, 0, 'nothing before the placeholder');
});

test('fillPattern: the nearest assignment to the placeholder\'s name or its last part', () => {
  const prefix = 'resource "aws_lb_target_group" "content-store" {\n  name     = "content-store"\n  port     = 80\n\n  health_check {\n    path = "';
  assert.equal(fillPattern(pattern, prefix), '/_healthcheck_content-store');
  assert.equal(fillPattern(pattern, 'name: "a"\napp_name: "router-api"\npath: "'), '/_healthcheck_router-api', 'the nearest wins');
  assert.equal(fillPattern(pattern, 'port = 80\npath = "'), null, 'nothing names it');
  const api = notePatterns('GET /api/{version}/items now').get('/api/')!;
  assert.equal(fillPattern(api, 'const version = "v2";\nfetch("'), '/api/v2/items');
});
