// Table-driven tests of the secrets check: true positives of every rule and false positives that
// must pass (git SHAs, UUIDs, ordinary code and prose, the public eval notes' style).
// Secret-looking values are assembled at run time so this file holds no literal token.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { findPublicEvalSet } from '../../eval/publicSetLocation';
import { chars, UPPER_DIGITS } from '../robustness/badInputCases';
import { checkSecrets, findSecrets, redactSecrets, SecretFoundError, assertNoSecrets } from './secrets';

const HEX = '0123456789abcdef';

const jwt = ['eyJ' + chars(20, 1), 'eyJ' + chars(30, 2), chars(43, 3)].join('.');
const positives: ReadonlyArray<{ text: string; rule: string; secret?: string }> = [
  { text: `aws key id ${'AKIA' + chars(16, 4, UPPER_DIGITS)} for the deploy user`, rule: 'aws-access-key-id' },
  { text: `aws_secret_access_key = ${chars(40, 5)}`, rule: 'aws-secret-access-key' },
  { text: `CI uses ${'gh' + 'p_' + chars(36, 6)} to push tags`, rule: 'github-token' },
  { text: `token ${'github' + '_pat_' + chars(22, 7) + '_' + chars(59, 8)}`, rule: 'github-pat' },
  { text: `GITLAB=${'glp' + 'at-' + chars(20, 9)}`, rule: 'gitlab-token' },
  { text: `the bot uses ${'xo' + 'xb-' + chars(12, 10, '0123456789') + '-' + chars(24, 11)}`, rule: 'slack-token' },
  {
    text: `alerts go to https://hooks.slack.com/services/T${chars(8, 12, UPPER_DIGITS)}/B${chars(8, 13, UPPER_DIGITS)}/${chars(24, 14)}`,
    rule: 'slack-webhook',
  },
  { text: `stripe: ${'sk' + '_live_' + chars(24, 15)}`, rule: 'stripe-key' },
  { text: `export OPENAI_API_KEY=${'sk' + '-proj-' + chars(48, 16)}`, rule: 'openai-style-key' },
  { text: `maps key ${'AI' + 'za' + chars(35, 17)}`, rule: 'google-api-key' },
  { text: `//registry.npmjs.org/:_authToken=${'np' + 'm_' + chars(36, 18)}`, rule: 'npm-token' },
  { text: `session cookie was ${jwt}`, rule: 'jwt', secret: jwt },
  { text: `-----BEGIN RSA PRIVATE KEY-----\n${chars(64, 19)}\n${chars(64, 20)}\n-----END RSA PRIVATE KEY-----`, rule: 'private-key' },
  { text: `-----BEGIN OPENSSH PRIVATE KEY-----\n${chars(70, 21)}`, rule: 'private-key' },
  { text: 'connect with postgres://admin:Tr0ub4dor3@db.internal:5432/app', rule: 'url-password', secret: 'Tr0ub4dor3' },
  { text: 'redis url: redis://:s3cr3tpass@cache:6379', rule: 'url-password', secret: 's3cr3tpass' },
  { text: `curl -H "Authorization: Basic ${Buffer.from('deploy:hunter2!').toString('base64')}"`, rule: 'basic-auth' },
  { text: `send Authorization: Bearer ${chars(32, 22)}`, rule: 'bearer-token' },
  { text: 'DB_PASSWORD=hunter2', rule: 'secret-assignment', secret: 'hunter2' },
  { text: 'password: "correct horse"', rule: 'secret-assignment' },
  { text: `{"api_key": "${chars(32, 23)}"}`, rule: 'secret-assignment' },
  { text: `client_secret = '${chars(24, 24)}'`, rule: 'secret-assignment' },
  { text: `SECRET_KEY = "django-insecure-${chars(30, 25)}"`, rule: 'secret-assignment' },
  { text: `x-api-key: ${chars(16, 26, HEX)}`, rule: 'secret-assignment' },
  { text: 'the staging password is `w1nter!2024`', rule: 'password-phrase', secret: 'w1nter!2024' },
  { text: `our signing key for webhooks: ${chars(28, 27)}`, rule: 'high-entropy-near-keyword' },
];

const negatives: readonly string[] = [
  'Fixed by commit b2907bd9d.',
  'Reverted 17faae30c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6 after the regression.',
  'The checksum sha256 is 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.',
  'Request id 123e4567-e89b-12d3-a456-426614174000 was retried.',
  'const apiKey: string = getApiKey();',
  "password = os.environ['DB_PASSWORD']",
  'token: process.env.GITHUB_TOKEN',
  'password: ${DB_PASSWORD}',
  'api_key = <your-api-key>',
  'password = "********"',
  'Password must be at least 8 characters.',
  'the password is required for login',
  'max_tokens = 512 and token_count = 3',
  'tokenizer = cl100k_base',
  'secretName: db-credentials',
  'passwordMinLength = 12',
  'connect to postgres://localhost:5432/app',
  'use https://user:password@example.com in the docs example',
  'monitoring2_ingress_webapps-elb_nrpe is the security group rule name',
  'Serialization.UNMATCHED_FIELD_TYPE_MODULE.setRestrictToTemplates(true)',
  'MaxRAMPercentage=80 of its 2000Mi limit allowed a 1600Mi heap',
  'The Adyen integration builds the Idempotency-Key for refund and capture requests itself, using the commercetools transaction.id.',
  'importing go.uber.org/automaxprocs sets GOMAXPROCS to the container CPU quota',
  'Task sk-learn-pipeline should be renamed',
  'the JWT library decodes eyJhbGciOi headers lazily',
  'auth flow: call refreshSession() before the request',
  'Authorization: Bearer <token>',
  'set the desk-assignment to sk-something-else later',
  'function resetPassword(user) { return sendMail(user.email); }',
  'token reviving (commit 17faae30) was reverted',
  '[redacted:github-token] was rotated',
  'password = [redacted:secret-assignment]',
];

test('secrets: every true positive is found by the expected rule, at the right place', () => {
  for (const { text, rule, secret } of positives) {
    const findings = findSecrets(text);
    assert.equal(
      findings.length,
      1,
      `expected one finding in ${JSON.stringify(text.slice(0, 60))}, got ${JSON.stringify(findings.map(f => f.rule))}`,
    );
    assert.equal(findings[0]!.rule, rule, `rule for ${JSON.stringify(text.slice(0, 60))}`);
    if (secret) assert.equal(text.slice(findings[0]!.start, findings[0]!.end), secret);
  }
});

test('secrets: false positives (hashes, UUIDs, code, prose) are not flagged', () => {
  for (const text of negatives) {
    assert.deepEqual(
      findSecrets(text).map(f => f.rule),
      [],
      `flagged: ${JSON.stringify(text)}`,
    );
  }
});

test('secrets: refuse policy names kind and position, never the secret', () => {
  const token = 'gh' + 'p_' + chars(36, 30);
  const text = `line one\n  push with ${token}\nand DB_PASSWORD=hunter2`;
  const check = checkSecrets(text, 'refuse');
  assert.equal(check.kind, 'refused');
  if (check.kind !== 'refused') return;
  assert.equal(check.findings.length, 2);
  assert.match(check.message, /a GitHub token at line 2, column 13 \(40 characters\)/);
  assert.match(check.message, /line 3/);
  assert.match(check.message, /not stored/);
  assert.ok(!check.message.includes(token) && !check.message.includes('hunter2'));
});

test('secrets: redact policy replaces only the secret and the result is clean', () => {
  const text = 'deploy with postgres://admin:Tr0ub4dor3@db/app and api_key="' + chars(32, 31) + '"';
  const check = checkSecrets(text, 'redact');
  assert.equal(check.kind, 'redacted');
  if (check.kind !== 'redacted') return;
  assert.equal(check.text, 'deploy with postgres://admin:[redacted:url-password]@db/app and api_key="[redacted:secret-assignment]"');
  assert.match(check.message, /replaced by \[redacted/);
  assert.deepEqual(findSecrets(check.text), []);
  assert.equal(checkSecrets('nothing secret here', 'redact').kind, 'clean');
});

test('secrets: redactSecrets keeps text around several findings', () => {
  const text = 'a=1 password=abcd1234 b=2 token="' + chars(20, 32) + '" end';
  const findings = findSecrets(text);
  assert.equal(findings.length, 2);
  assert.equal(redactSecrets(text, findings), 'a=1 password=[redacted:secret-assignment] b=2 token="[redacted:secret-assignment]" end');
});

test('secrets: assertNoSecrets throws a typed error with a hint', () => {
  assert.doesNotThrow(() => assertNoSecrets('use utf8mb4 for emoji'));
  assert.throws(
    () => assertNoSecrets('password=hunter22'),
    (error: unknown) =>
      error instanceof SecretFoundError && error.code === 'secret-found' && error.hint.length > 0 && !error.message.includes('hunter22'),
  );
});

test('secrets: the public eval notes (when the set is beside the repo) hold no secrets', { skip: !findPublicEvalSet() }, () => {
  let checked = 0;
  for (const file of ['notes.jsonl', 'distractors.jsonl']) {
    for (const line of readFileSync(path.join(findPublicEvalSet()!, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const note = JSON.parse(line) as { id: string; note: string };
      assert.deepEqual(
        findSecrets(note.note).map(f => f.rule),
        [],
        `note ${note.id}`,
      );
      checked++;
    }
  }
  assert.ok(checked >= 30);
});
