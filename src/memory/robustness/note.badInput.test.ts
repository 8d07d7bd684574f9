// The bad-input table (badInputCases.ts) run through the entry points a user's note goes through,
// in the service's order: prepareNoteText (refuse, normalise, flag, chunk), checkSecrets on each
// chunk (refuse or redact), then the store's write (which checks secrets again). For each case:
// the outcome and the message are the expected ones, flags are as listed; a secret appears in no
// message, no stored text and no byte of the store's files; what is stored survives a reopen
// exactly; a refused note leaves the journal as it was; and every accepted note, encoded as the
// writer trains on it, holds no special token but the format's own (text like <|endoftext|> stays
// text). The table in src/memory/robustness/README.md is rendered from these results and must match.

import assert from 'node:assert/strict';
import { promises as fs, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { isSpecialToken } from '../../model/specialTokens';
import { loadTokenizer } from '../../model/tokenizer';
import { augmentNote } from '../intake/augment';
import { MemoryStore } from '../store/memoryStore';
import { NoteFlag, prepareNoteText } from '../intake/noteInput';
import { checkSecrets, findSecrets, SecretFoundError } from '../intake/secrets';
import { encodeTrainingSequence } from '../intake/trainingSequence';
import { BAD_INPUT_CASES, BadInputCase, Expected } from './badInputCases';
import { baseRow, FAULT_TEST_MODEL } from './faultTestModel';
import { scratchDirectory } from './scratchDirectory';

const scratch = scratchDirectory('bad-input');
const STORED_CHUNKS = 8;
const README = path.resolve(__dirname, 'README.md');
const TABLE_START = '<!-- bad-input-table:start (rendered by robustness/note.badInput.test.ts) -->';
const TABLE_END = '<!-- bad-input-table:end -->';

interface Result {
  readonly outcome: Expected;
  /** The refusal, or every warning and secret message, in order. */
  readonly messages: readonly string[];
  readonly flags: readonly NoteFlag[];
  /** The texts handed to the store (one per chunk). */
  readonly texts: readonly string[];
}

/** prepareNoteText, then checkSecrets on each chunk, as the service's remember does. */
function throughEntryPoints(c: BadInputCase): Result {
  const input = prepareNoteText(c.input(), { oversize: c.oversize ?? 'refuse' });
  if (input.kind === 'refused') return { outcome: 'refused', messages: [input.message], flags: [], texts: [] };
  const messages = [...input.warnings];
  const texts: string[] = [];
  let redacted = false;
  for (const chunk of input.chunks) {
    const check = checkSecrets(chunk, c.secrets ?? 'refuse');
    if (check.kind === 'refused') return { outcome: 'refused', messages: [check.message], flags: input.flags, texts: [] };
    if (check.kind === 'redacted') {
      redacted = true;
      messages.push(check.message);
    }
    texts.push(check.text);
  }
  const outcome: Expected = redacted ? 'redacted' : texts.length > 1 ? 'chunked' : messages.length > 0 ? 'accepted-with-flag' : 'accepted';
  return { outcome, messages, flags: input.flags, texts };
}

/** A write as the writer would make it: +1 on a few slots, from the store's current rows. */
async function write(store: MemoryStore, id: string, text: string, slot: number): Promise<void> {
  await store.transaction(async () => {
    const slots = [slot % FAULT_TEST_MODEL.slotCount];
    const prev = store.changedRows().get(slots[0]!) ?? baseRow(slots[0]!);
    await store.write({ id, text, kind: 'note', author: 'test', slots, prev, next: prev.map(v => v + 1) });
  });
}

async function storeBytes(dir: string): Promise<Buffer> {
  const names = (await fs.readdir(dir)).sort();
  return Buffer.concat(await Promise.all(names.map(name => fs.readFile(path.join(dir, name)))));
}

function renderTable(rows: readonly { c: BadInputCase; result: Result }[]): string {
  const cell = (text: string) =>
    text
      .replace(/\|/g, '\\|')
      .replace(/\n/g, ' ')
      .replace(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/g, '');
  const short = (text: string) => (text.length > 240 ? `${text.slice(0, 237)}…` : text);
  const lines = [
    '| # | group | input | secrets / size policy | outcome | what the user is told |',
    '|---|---|---|---|---|---|',
    ...rows.map(({ c, result }, i) => {
      const policy =
        [c.secrets === 'redact' ? 'redact' : '', c.oversize === 'chunk' ? 'chunk' : ''].filter(Boolean).join(', ') || 'defaults';
      const told = result.messages.length === 0 ? '—' : short(result.messages.join(' '));
      return `| ${i + 1} | ${c.group} | ${cell(c.name)} | ${policy} | ${result.outcome} | ${cell(told)} |`;
    }),
  ];
  return lines.join('\n');
}

test(
  'bad input: each case gets its outcome and message through the real entry points, and no secret leaks',
  { timeout: 120_000 },
  async t => {
    const dir = await scratch.make('store');
    const store = await MemoryStore.open(dir, { model: FAULT_TEST_MODEL });
    const tokenizer = loadTokenizer();
    const rows: { c: BadInputCase; result: Result }[] = [];
    const expectedTexts = new Map<string, string>();
    let written = 0;
    for (const [index, c] of BAD_INPUT_CASES.entries()) {
      const label = `case ${index + 1} (${c.name})`;
      const result = throughEntryPoints(c);
      rows.push({ c, result });
      const told = result.messages.join(' ');
      assert.equal(result.outcome, c.expect, `${label}: outcome; told: ${told.slice(0, 300)}`);
      assert.match(told, c.says, `${label}: message`);
      const flagKinds = result.flags.map(f => f.kind);
      assert.deepEqual(flagKinds, c.flags ?? [], `${label}: flags`);
      if (result.outcome === 'chunked') {
        // Chunks are pieces of the normalised text itself, in order, covering all of it.
        const whole = prepareNoteText(c.input(), { maxBytes: Number.MAX_SAFE_INTEGER });
        assert.equal(whole.kind, 'accepted');
        const text = (whole as { text: string }).text;
        let at = 0;
        for (const chunk of result.texts) {
          const found = text.indexOf(chunk, at);
          assert.ok(found !== -1 && text.slice(at, found).trim() === '', `${label}: a chunk is the next piece of the text`);
          at = found + chunk.length;
        }
        assert.equal(text.slice(at).trim(), '', `${label}: the chunks cover the whole text`);
      }
      if (c.stored !== undefined) {
        if (typeof c.stored === 'string') assert.equal(result.texts[0], c.stored, `${label}: stored text`);
        else assert.match(result.texts[0] ?? '', c.stored, `${label}: stored text`);
      }

      const journal = path.join(dir, 'journal.mnemo');
      const before = await fs.readFile(journal);
      if (result.outcome === 'refused') {
        assert.deepEqual(result.texts, [], label);
      } else {
        for (const [k, text] of result.texts.entries()) {
          assert.ok(Buffer.byteLength(text) <= 4096, `${label}: chunk ${k} fits`);
          assert.deepEqual(findSecrets(text), [], `${label}: what is stored holds no secret`);
          // A chunked megabyte is ~260 notes; storing the first few shows the path, the rest only costs fsyncs.
          if (k >= STORED_CHUNKS) continue;
          const id = `c${index + 1}-${k + 1}`;
          await write(store, id, text, written++);
          expectedTexts.set(id, text);
        }
      }
      if (c.secret !== undefined) {
        assert.ok(String(c.input()).includes(c.secret), `${label}: the case's secret is in its input`);
        assert.ok(!told.includes(c.secret), `${label}: the message does not echo the secret`);
        for (const text of result.texts) assert.ok(!text.includes(c.secret), `${label}: the stored text does not hold the secret`);
        // The store's own check, for a caller that skips checkSecrets: refused, named, not echoed, nothing written.
        const raw = prepareNoteText(c.input());
        if (raw.kind === 'accepted') {
          const journalBefore = await fs.readFile(journal);
          await assert.rejects(write(store, `raw-${index + 1}`, raw.text, 0), (error: unknown) => {
            assert.ok(error instanceof SecretFoundError, `${label}: store.write refuses it itself`);
            assert.ok(!error.message.includes(c.secret!), `${label}: the store's error does not echo the secret`);
            return true;
          });
          assert.deepEqual(await fs.readFile(journal), journalBefore, `${label}: nothing written`);
        }
        assert.ok(!(await storeBytes(dir)).includes(Buffer.from(c.secret)), `${label}: no store file holds the secret`);
      }
      if (result.outcome === 'refused') assert.deepEqual(await fs.readFile(journal), before, `${label}: a refused note writes nothing`);
      // Encoded as the writer trains on it, a note holds only the format's own markers.
      if (result.texts.length === 1) {
        for (const sequence of augmentNote({ text: result.texts[0]!, kind: 'note' })) {
          const specials = encodeTrainingSequence(tokenizer, sequence).filter(isSpecialToken).length;
          assert.equal(specials, sequence.layout === 'exchange' ? 3 : 2, `${label}: special tokens in a ${sequence.layout} sequence`);
        }
      }
    }

    // What was stored comes back exactly, text for text.
    const reopened = await MemoryStore.open(dir, { model: FAULT_TEST_MODEL });
    assert.deepEqual(new Map(reopened.liveNotes().map(n => [n.id as string, n.text])), expectedTexts);

    const counts = new Map<Expected, number>();
    for (const { result } of rows) counts.set(result.outcome, (counts.get(result.outcome) ?? 0) + 1);
    t.diagnostic(
      `${rows.length} bad-input cases: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}; ${expectedTexts.size} notes stored`,
    );
    assert.ok(rows.length >= 30);

    // The README's table is this run's table.
    const table = renderTable(rows);
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    if (process.env.MNEMO_UPDATE_BAD_INPUT_TABLE === '1' && start !== -1 && end > start) {
      writeFileSync(README, `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`);
    } else {
      assert.ok(start !== -1 && end > start, `README.md needs the markers ${TABLE_START} ... ${TABLE_END}`);
      assert.equal(
        readme.slice(start + TABLE_START.length, end).trim(),
        table,
        'README table is out of date: run with MNEMO_UPDATE_BAD_INPUT_TABLE=1',
      );
    }
  },
);

test('bad input: the checks stay linear on a megabyte of adversarial text (these took hours before)', { timeout: 60_000 }, () => {
  const mb = 1 << 20;
  const adversarial = [
    'a'.repeat(mb), // one long identifier run: the assignment rules' name group
    'a.'.repeat(mb / 2), // word boundaries everywhere: the URL scheme
    `${' '.repeat(mb)}x`, // trailing-space trimming per line
    'x\n'.repeat(mb / 2), // 524,288 lines: Math.max(...lines) overflowed the stack
    `x${'\u2003\n'.repeat(mb / 2)}system: hi`, // blank-looking lines before a "system:" line
    '\u001b]'.repeat(mb / 2), // unterminated terminal escapes
  ];
  for (const text of adversarial) {
    const result = prepareNoteText(text, { oversize: 'chunk' });
    assert.ok(result.kind === 'accepted' || result.kind === 'refused');
    assert.ok(Array.isArray(findSecrets(text)));
  }
  // Many findings in one text: all found, each at the right line.
  const lines = Array.from({ length: 20_000 }, (_, i) => `k${i} password=pw${i}x`);
  const findings = findSecrets(lines.join('\n'));
  assert.equal(findings.length, 20_000);
  assert.deepEqual([findings[0]!.line, findings[19_999]!.line, findings[19_999]!.column], [1, 20_000, lines[19_999]!.indexOf('=') + 2]);
});
