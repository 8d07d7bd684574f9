// Tests that spawn the `mnemo` command (bin/mnemo.js, as npm installs it) against a tiny random
// model and real store directories: usage errors, the memory commands end to end, refusals with
// their hints and exit codes, and `mnemo eval` on a small set in the public format.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { createTinyModelDir, tempStoreDir } from '../service/tinyModelFixture';

const bin = path.resolve(__dirname, '..', '..', 'bin', 'mnemo.js');
let modelDir: string;
let work: string;

before(() => {
  modelDir = createTinyModelDir(11);
  work = tempStoreDir('mnemo-cli-');
});

function mnemo(args: readonly string[], input?: string): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: work,
    input,
    encoding: 'utf8',
    env: { ...process.env, MNEMO_MODEL: modelDir, MNEMO_STORE: '' },
    timeout: 120_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

test('cli: help, and usage errors exit 2 with the usage line', () => {
  const help = mnemo(['--help']);
  assert.equal(help.code, 0);
  for (const command of ['remember', 'ask', 'complete', 'forget', 'notes', 'export', 'import', 'check', 'eval'])
    assert.match(help.stdout, new RegExp(`\\n  ${command} `));
  assert.equal(mnemo(['help', 'complete']).code, 0);

  const unknown = mnemo(['rember', 'x']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "rember"/);
  const missing = mnemo(['remember', '--store', 's']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /missing argument\nusage: mnemo remember "text"/);
  const kind = mnemo(['remember', 'x', '--kind', 'idea']);
  assert.equal(kind.code, 2);
  assert.match(kind.stderr, /--kind must be one of decision, convention, bug/);
  assert.equal(mnemo(['complete', '--offset', 'abc', '--file', 'f']).code, 2);
  assert.match(mnemo(['eval', '--set', 'x']).stderr, /--json FILE is required/);
});

test('cli: remember, notes, ask, complete, export, import, forget', () => {
  const store = ['--store', path.join(work, 'store')];
  const remembered = mnemo([
    'remember',
    'Releases are tagged vX.Y.Z by the release script.',
    '--kind',
    'convention',
    '--id',
    'r1',
    ...store,
  ]);
  assert.equal(remembered.code, 0, remembered.stderr);
  assert.match(remembered.stdout, /Remembered r1 \(convention, \d+ memory slots\)/);
  const fromStdin = mnemo(['remember', '-', '--id', 'r2', '--json', ...store], 'The staging database is Postgres 15.\n');
  assert.equal(fromStdin.code, 0, fromStdin.stderr);
  assert.equal(JSON.parse(fromStdin.stdout).notes[0].text, 'The staging database is Postgres 15.');

  const notes = mnemo(['notes', ...store]);
  assert.match(notes.stdout, /r1 {2}convention/);
  assert.match(notes.stdout, /2 note\(s\)/);

  const asked = mnemo(['ask', 'How are releases tagged?', '--max-tokens', '6', ...store]);
  assert.equal(asked.code, 0, asked.stderr);
  assert.match(asked.stdout, /Notes cited:\n {2}\[1\] r[12] \(\d+%\)/);
  const askedJson = JSON.parse(mnemo(['ask', 'How are releases tagged?', '--max-tokens', '4', '--json', ...store]).stdout);
  assert.ok(askedJson.tokens <= 4 && Array.isArray(askedJson.citations));

  const file = path.join(work, 'code.sh');
  fs.writeFileSync(file, 'git tag v1.2.3\ngit push origin ');
  const completed = mnemo(['complete', '--file', file, '--offset', '20', '--json', ...store]);
  assert.equal(completed.code, 0, completed.stderr);
  assert.equal(typeof JSON.parse(completed.stdout).completion, 'string');
  assert.match(mnemo(['complete', '--file', file, '--offset', '999', ...store]).stderr, /past the end/);

  const exportFile = path.join(work, 'team.mnemo-export');
  assert.match(mnemo(['export', exportFile, ...store]).stdout, /Exported 2 note\(s\)/);
  const imported = mnemo(['import', exportFile, '--store', path.join(work, 'other')]);
  assert.match(imported.stdout, /Imported 2 note\(s\) \(replace\)/);

  const forgot = mnemo(['forget', 'r1', ...store]);
  assert.equal(forgot.code, 0, forgot.stderr);
  assert.match(forgot.stdout, /Forgot r1: \d+ memory slots restored/);
  const again = mnemo(['forget', 'r1', ...store]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /it is forgotten\.\nOnly live notes/);
  const all = JSON.parse(mnemo(['notes', '--all', '--json', ...store]).stdout);
  assert.deepEqual(
    all.notes.map((n: { id: string; state: string }) => `${n.id}:${n.state}`),
    ['r1:forgotten', 'r2:live'],
  );
});

test('cli: refusals exit 1 and say what to do', () => {
  const store = ['--store', path.join(work, 'refusals')];
  const secret = mnemo(['remember', 'deploy key: AKIAIOSFODNN7EXAMPLE', ...store]);
  assert.equal(secret.code, 1);
  assert.match(secret.stderr, /possible secret/);
  assert.match(secret.stderr, /--redact/);
  assert.doesNotMatch(secret.stderr, /AKIAIOSFODNN7EXAMPLE/);
  // Nothing remembered: the answer says so, and no model text is shown.
  const empty = mnemo(['ask', 'How do I reverse a string in JS?', ...store]);
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout, 'No notes are remembered yet, so there is nothing to answer from.\n');
  const emptyJson = JSON.parse(mnemo(['ask', 'How do I reverse a string in JS?', '--json', ...store]).stdout);
  assert.deepEqual(
    [emptyJson.outcome, emptyJson.citations, emptyJson.tokens],
    [{ kind: 'abstained', reason: 'no-notes', related: [] }, [], 0],
  );
  const noModel = mnemo(['ask', 'anything?', ...store, '--model', path.join(work, 'missing-model')]);
  assert.equal(noModel.code, 1);
  assert.match(noModel.stderr, /No model in .*\nPoint --model at a checkpoint/);
  assert.match(mnemo(['notes', ...store]).stdout, /No live notes/);
});

test('cli: read-only commands on a folder that is not a store say so, exit 1 and create nothing', () => {
  const missing = path.join(work, 'mistyped-store');
  fs.writeFileSync(path.join(work, 'code.ts'), 'const x = ');
  for (const args of [
    ['ask', 'anything?'],
    ['notes'],
    ['complete', '--file', path.join(work, 'code.ts')],
    ['export', path.join(work, 'out.mnemo-export')],
    ['check'],
    ['forget', 'n-1'],
  ]) {
    const result = mnemo([...args, '--store', missing]);
    assert.equal(result.code, 1, `${args[0]}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`No mnemo store at ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), args[0]);
    assert.equal(fs.existsSync(missing), false, `${args[0]} created nothing`);
  }
});

test('cli: damage is found by every command; check says what --recover keeps; --recover is taken by every command', () => {
  const dir = path.join(work, 'damaged');
  const store = ['--store', dir];
  for (const id of ['d1', 'd2', 'd3'])
    assert.equal(mnemo(['remember', `Note ${id} says the port is 80${id.at(-1)}.`, '--id', id, ...store]).code, 0);
  assert.match(mnemo(['check', ...store]).stdout, /sound\. 3 live note\(s\)/);
  const journal = path.join(dir, 'journal.mnemo');
  const bytes = fs.readFileSync(journal);
  bytes[bytes.indexOf('"d2"') + 1] ^= 0x20;
  fs.writeFileSync(journal, bytes);
  for (const args of [
    ['notes'],
    ['ask', 'What port?'],
    ['complete', '--file', path.join(work, 'code.ts')],
    ['export', path.join(work, 'd.mnemo-export')],
    ['forget', 'd1'],
    ['remember', 'another'],
  ]) {
    const result = mnemo([...args, ...store]);
    assert.equal(result.code, 1, `${args[0]} finds the damage`);
    assert.match(result.stderr, /journal\.mnemo is damaged at byte \d+/, args[0]);
    assert.match(result.stderr, /--recover/, args[0]);
  }
  assert.deepEqual(fs.readFileSync(journal), bytes, 'nothing changed the damaged store');
  const checked = mnemo(['check', ...store]);
  assert.equal(checked.code, 1);
  assert.match(checked.stdout, /damaged/);
  assert.match(checked.stdout, /--recover would keep 2 live note\(s\): d1, d3/);
  const json = JSON.parse(mnemo(['check', '--json', ...store]).stdout);
  assert.deepEqual([json.state, json.wouldKeep], ['damaged', ['d1', 'd3']]);
  // --recover is accepted by the read-only commands too; the first one repairs the store.
  const listed = mnemo(['notes', '--recover', '--json', ...store]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(
    JSON.parse(listed.stdout).notes.map((n: { id: string }) => n.id),
    ['d1', 'd3'],
  );
  assert.match(listed.stderr, /Recovery kept 2 live note\(s\)/);
  assert.ok(
    fs.readdirSync(dir).some(name => name.startsWith('journal.mnemo.corrupt-')),
    'the damaged journal is kept beside the store',
  );
  assert.match(mnemo(['check', ...store]).stdout, /sound\. 2 live note\(s\)/);
  for (const args of [
    ['ask', 'What port?', '--max-tokens', '2'],
    ['complete', '--file', path.join(work, 'code.ts'), '--max-tokens', '2'],
    ['check'],
    ['export', path.join(work, 'd.mnemo-export')],
  ]) {
    assert.equal(mnemo([...args, '--recover', ...store]).code, 0, `${args[0]} takes --recover`);
  }
});

test('cli: eval runs a small set for every method and prints the JSON last', () => {
  const setDir = path.join(work, 'set');
  fs.mkdirSync(setDir);
  const jsonl = (rows: object[]) => rows.map(r => JSON.stringify(r)).join('\n') + '\n';
  const note = (id: string, text: string, answer: string) => ({ id, repo: 'o/r', source: 'PR #1', kind: 'decision', note: text, answer });
  fs.writeFileSync(
    path.join(setDir, 'notes.jsonl'),
    jsonl([
      note('p001', 'The API listens on port 8443.', '8443'),
      note('p002', 'Logs go to Loki.', 'Loki'),
      note('p003', 'We use tabs.', 'tabs'),
    ]),
  );
  fs.writeFileSync(path.join(setDir, 'distractors.jsonl'), jsonl([note('q001', 'The web app listens on port 3000.', '3000')]));
  fs.writeFileSync(
    path.join(setDir, 'questions.jsonl'),
    jsonl([
      { note: 'p001', question: 'Which port does the API listen on?', answer: '8443', style: 'direct' },
      { note: 'p002', question: 'Where do logs go?', answer: 'Loki', style: 'paraphrase' },
      { note: 'p003', question: 'Tabs or spaces?', answer: 'tabs', style: 'indirect' },
    ]),
  );
  fs.writeFileSync(
    path.join(setDir, 'unanswerable.jsonl'),
    jsonl([
      { question: 'How do I reverse a string in Go?', style: 'general' },
      { question: 'Which port does the admin API listen on?', style: 'near' },
    ]),
  );
  fs.writeFileSync(
    path.join(setDir, 'completions.jsonl'),
    jsonl([{ note: 'p001', language: 'javascript', prefix: 'app.listen(', expected: '8443' }]),
  );
  const heldOut = path.join(work, 'heldout.bin');
  fs.writeFileSync(heldOut, Buffer.from(Uint16Array.from({ length: 20 * 129 }, (_, i) => (i * 7919) % 16384).buffer));
  const out = path.join(work, 'result.json');

  const run = mnemo(['eval', '--set', setDir, '--json', out, '--limit', '2', '--heldout', heldOut, '--slot-steps', '2']);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]!);
  assert.deepEqual(JSON.parse(fs.readFileSync(out, 'utf8')), result);
  assert.equal(result.set, 'set');
  assert.deepEqual([result.notes, result.distractors, result.questions, result.completions], [2, 1, 2, 1]);
  assert.deepEqual(Object.keys(result.methods).sort(), ['full_finetune', 'mnemo', 'none', 'prompt']);
  const { mnemo: m, none, prompt, full_finetune: ft } = result.methods;
  for (const method of [m, none, prompt, ft]) {
    for (const key of [
      'answer_recall',
      'answer_contains',
      'provenance_at_1',
      'provenance_at_3',
      'completion_exact',
      'retention',
      'forgetting',
      'write_ms',
      'ask_ms',
      'complete_ms',
      'memory_context_tokens',
    ]) {
      assert.ok(key in method, `missing ${key}`);
    }
  }
  assert.ok(typeof m.provenance_at_1 === 'number' && typeof m.forgetting === 'number' && typeof m.write_ms.p50 === 'number');
  assert.equal(m.memory_context_tokens, 0);
  assert.equal(none.provenance_at_1, null);
  assert.equal(none.forgetting, null);
  assert.ok(prompt.memory_context_tokens > 0);
  assert.ok(typeof ft.forgetting === 'number' && ft.provenance_at_1 === null);
  assert.match(run.stderr, /\[mnemo\] wrote p001 \(1\/3\)/);
  // Abstention figures: the baselines never abstain; mnemo's are shares; the leave-out check forgot
  // p001 (every 3rd note from the first) and asked its question again.
  for (const method of [m, none, prompt, ft])
    assert.ok(
      'near' in method.abstain_rate &&
        'general' in method.abstain_rate &&
        'direct' in method.false_abstain_rate &&
        'false_citations' in method,
    );
  assert.deepEqual([none.abstain_rate.all, prompt.abstain_rate.all, none.false_citations], [0, 0, null]);
  assert.ok(m.abstain_rate.all >= 0 && m.abstain_rate.all <= 1 && typeof m.false_citations === 'number');
  assert.equal(m.leave_out.questions, 1);
  assert.equal(m.leave_out.cites_forgotten, 0);
  assert.equal(none.leave_out, null);
});
