// Tests of key-term extraction on notes of the kinds mnemo stores (hand-checked expectations).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractTerms, splitClauses } from './keyTerms';

function termTexts(note: string): string[] {
  return extractTerms(note).terms.map(t => t.text);
}

test('keyTerms: identifiers, paths, numbers, quoted strings and names, in order', () => {
  const cases: [string, string, string[]][] = [
    [
      'The Adyen integration builds the Idempotency-Key for refund and capture requests itself, using the commercetools transaction.id.',
      'Adyen',
      ['Idempotency-Key', 'transaction.id'],
    ],
    [
      'govuk-aws: on instances running several apps, each app gets health check path /_healthcheck_<app-name>, which nginx proxies.',
      'govuk-aws',
      ['/_healthcheck_<app-name>'],
    ],
    [
      "On Node 17+, the build fails with ERR_OSSL_EVP_UNSUPPORTED; use --openssl-legacy-provider, or set output.hashFunction to 'xxhash64'.",
      'Node',
      ['17+', 'ERR_OSSL_EVP_UNSUPPORTED', '--openssl-legacy-provider', 'output.hashFunction', 'xxhash64'],
    ],
    [
      'adr-tools keeps docs as comments; lines start with two hash characters (##), which `adr help` pulls out.',
      'adr-tools',
      ['##', 'adr help'],
    ],
    [
      'packwerk 2.1.0 failed with Errno::ENOENT for tmp/cache/packwerk/inflections after commit 17faae30.',
      'packwerk',
      ['2.1.0', 'Errno::ENOENT', 'tmp/cache/packwerk/inflections', '17faae30'],
    ],
    [
      'JOSDK leniency: Serialization.UNMATCHED_FIELD_TYPE_MODULE.setRestrictToTemplates(true).',
      'JOSDK leniency',
      ['Serialization.UNMATCHED_FIELD_TYPE_MODULE.setRestrictToTemplates(true)'],
    ],
    ['The worker timeout was raised to 10 minutes from 30 seconds.', 'worker timeout', ['10 minutes', '30 seconds']],
  ];
  for (const [note, subject, terms] of cases) {
    const found = extractTerms(note);
    assert.equal(found.subject, subject, note);
    assert.deepEqual(
      found.terms.map(t => t.text),
      terms,
      note,
    );
  }
});

test('keyTerms: plain prose gives no terms', () => {
  assert.deepEqual(termTexts('Always run the tests before you push.'), []);
});

test('keyTerms: clauses split at sentences and semicolons, not inside dotted names', () => {
  assert.deepEqual(splitClauses('Use transaction.id as the key. It must be stable; retries reuse it.'), [
    'Use transaction.id as the key',
    'It must be stable',
    'retries reuse it',
  ]);
  const terms = extractTerms('Caches use Redis. The queues use RabbitMQ.');
  assert.deepEqual(
    terms.terms.map(t => [t.text, t.clause]),
    [
      ['Redis', 0],
      ['RabbitMQ', 1],
    ],
  );
  assert.equal(terms.subject, 'Caches');
});
