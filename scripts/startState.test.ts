import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { prepareStartState, startPort, startStateDir } from './startState';

function sample(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-sample-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src', 'invoice.ts'), 'export const total = 1;\n');
  return dir;
}

test('npm start state: the workspace is a copy made once; edits there and the state survive a restart; the sample never changes', () => {
  const source = sample();
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-start-state-'));
  const first = prepareStartState(state, source);
  assert.equal(first.createdWorkspace, true);
  assert.notEqual(first.workspace, source);
  assert.equal(fs.readFileSync(path.join(first.workspace, 'src', 'invoice.ts'), 'utf8'), 'export const total = 1;\n');
  // The editor changes the copy and the extension writes its store under the server's user data.
  fs.writeFileSync(path.join(first.workspace, 'src', 'invoice.ts'), 'export const total = 2;\n');
  fs.mkdirSync(path.join(first.serverDir, 'user-data', 'User', 'workspaceStorage', 'abc'), { recursive: true });
  fs.writeFileSync(path.join(first.serverDir, 'user-data', 'User', 'workspaceStorage', 'abc', 'snapshot.mnemo'), 'notes');

  const second = prepareStartState(state, source);
  assert.deepEqual(second, { ...first, createdWorkspace: false });
  assert.equal(
    fs.readFileSync(path.join(second.workspace, 'src', 'invoice.ts'), 'utf8'),
    'export const total = 2;\n',
    "the user's edit is kept",
  );
  assert.equal(
    fs.readFileSync(path.join(second.serverDir, 'user-data', 'User', 'workspaceStorage', 'abc', 'snapshot.mnemo'), 'utf8'),
    'notes',
  );
  assert.equal(
    fs.readFileSync(path.join(source, 'src', 'invoice.ts'), 'utf8'),
    'export const total = 1;\n',
    'the tracked sample is untouched',
  );
  assert.deepEqual(fs.readdirSync(state).sort(), ['code-server', 'workspace'], 'no partial copy left');

  // --workspace opens that folder itself, copying nothing.
  const own = prepareStartState(fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-start-own-')), source, source);
  assert.equal(own.workspace, source);
});

test('npm start state: the folder is .mnemo-start in the repository unless MNEMO_START_DIR says otherwise', () => {
  const repo = path.join(os.tmpdir(), 'mnemo-repo');
  const elsewhere = path.join(os.tmpdir(), 'mnemo-start-elsewhere');
  assert.equal(startStateDir(repo, {}), path.join(repo, '.mnemo-start'));
  assert.equal(startStateDir(repo, { MNEMO_START_DIR: elsewhere }), elsewhere);
});

test('npm start state: the port is chosen once and kept (VS Code names the workspace storage, so the store, by host and port)', async () => {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-start-port-'));
  let picks = 0;
  const pick = async () => 40_000 + ++picks;
  assert.deepEqual(await startPort(state, undefined, pick), { port: 40_001, kept: false });
  assert.deepEqual(await startPort(state, undefined, pick), { port: 40_001, kept: true });
  assert.equal(picks, 1);
  // --port wins for that run and does not replace the kept one.
  assert.deepEqual(await startPort(state, 8080, pick), { port: 8080, kept: false });
  assert.deepEqual(await startPort(state, undefined, pick), { port: 40_001, kept: true });
  // A first run with --port keeps that port.
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-start-port-'));
  assert.deepEqual(await startPort(other, 8081, pick), { port: 8081, kept: false });
  assert.deepEqual(await startPort(other, undefined, pick), { port: 8081, kept: true });
});
