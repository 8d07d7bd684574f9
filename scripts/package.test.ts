// Unit tests for the target-specific ignore file: each target keeps only its own native binaries.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TARGETS, targetIgnoreFile } from './package';

const base = fs.readFileSync(path.join(__dirname, '..', '.vscodeignore'), 'utf8');

test('every target narrows the onnxruntime binaries to its own folder and changes nothing else', () => {
  for (const [target, folder] of Object.entries(TARGETS)) {
    const ignore = targetIgnoreFile(base, target as keyof typeof TARGETS);
    const added = ignore.split('\n').filter(line => !base.split('\n').includes(line));
    assert.deepEqual(added, [`!node_modules/onnxruntime-node/bin/napi-v6/${folder}/**`], target);
    assert.equal(ignore.split('\n').length, base.split('\n').length);
  }
});

test('a .vscodeignore without the binaries line is refused rather than shipping no runtime', () => {
  assert.throws(() => targetIgnoreFile('**\n!dist/extension.js\n', 'linux-x64'), /lost the line/);
});
