// Tests of what the code before the cursor shows: words, names in their own spelling, not imports.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cursorView, isShown } from './codeView';

test('codeView: a word or a name the code shows, in any case or spelling', () => {
  const view = cursorView('db.py', 'MIN_VERSION_MARIA_DB = v("10.3.0")\nstmt.execute("PRAGMA journal_mode=WAL")\n');
  for (const span of ['WAL', 'wal', 'MariaDB', '10.3', 'db.py']) assert.ok(isShown(span, view), span);
  for (const span of ['PostgreSQL', 'SQLite', '10.30']) assert.ok(!isShown(span, view), span);
  assert.ok(isShown('journal', view), 'a part of a snake_case name counts as shown');
});

test("codeView: import lines do not show a name; the line's case is known", () => {
  const view = cursorView('a.ts', "import { formatUtc } from '../lib/time';\nconst x = ");
  assert.ok(!isShown('formatUtc', view));
});
