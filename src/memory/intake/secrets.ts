// The secrets check every note passes before it is written: known token formats (AWS, GitHub,
// GitLab, Slack, Stripe, OpenAI-style, Google, npm, JWT), private key blocks, passwords in URLs,
// "password = ..." style assignments and high-entropy strings next to secret-ish words.
// A finding names the kind of secret and where it is, never the secret itself. The policy is to
// refuse the note or to redact the secrets and say so; a note is never stored silently.

export type SecretPolicy = 'refuse' | 'redact';

export interface SecretFinding {
  readonly rule: string;
  /** What was found, in words ("a GitHub token"). */
  readonly description: string;
  /** UTF-16 offsets of the secret part (what redaction replaces). */
  readonly start: number;
  readonly end: number;
  /** 1-based line and column of `start`. */
  readonly line: number;
  readonly column: number;
}

export type SecretCheck =
  | { readonly kind: 'clean'; readonly text: string }
  | { readonly kind: 'redacted'; readonly text: string; readonly findings: readonly SecretFinding[]; readonly message: string }
  | { readonly kind: 'refused'; readonly findings: readonly SecretFinding[]; readonly message: string };

export class SecretFoundError extends Error {
  readonly code = 'secret-found';
  readonly hint = 'Remove the secret from the note (or turn on redaction) and remember it again.';
  constructor(readonly findings: readonly SecretFinding[]) {
    super(`${describeFindings(findings)} The note was not stored.`);
    this.name = 'SecretFoundError';
  }
}

interface SecretRule {
  readonly id: string;
  readonly description: string;
  /** Global regex; the `secret` group (or the whole match) is the secret part. */
  readonly pattern: RegExp;
  /** Extra check on a match to drop look-alikes (placeholders, code references). */
  readonly accept?: (secret: string, match: RegExpExecArray, text: string) => boolean;
}

/** Values that stand for a secret without being one. */
const PLACEHOLDER =
  /^(?:\*+|x{3,}|X{3,}|\.{2,}|…|<[^>]*>|\{\{[^}]*\}\}|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_]+%|\[redacted[^\]]*\]?|changeme|change_me|changeit|password|passwd|pass|pwd|secret|token|example|dummy|placeholder|sample|test|your[_-]?\w*|my[_-]?\w*|redacted|hidden|null|nil|none|undefined|true|false|string|str|number|int|bool|boolean|required|optional|todo|tbd|env|empty|foo|bar|baz|admin|user|username)$/i;

/** A value that is code, not a literal: a call, a member access, an environment lookup. */
const CODE_REFERENCE =
  /[()[\]]|^(?:process\.env|os\.environ|os\.getenv|env\.|config\.|settings\.|self\.|this\.)|^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;

const SECRET_NAMES = [
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'secretkey',
  'apikey',
  'apisecret',
  'accesskey',
  'privatekey',
  'token',
  'accesstoken',
  'authtoken',
  'refreshtoken',
  'clientsecret',
  'credential',
  'credentials',
  'signingkey',
];
const PASSWORD_NAMES = ['password', 'passwd', 'pwd', 'passphrase'];

const RULES: readonly SecretRule[] = [
  {
    id: 'private-key',
    description: 'a private key block',
    pattern:
      /(?<secret>-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$))/g,
  },
  {
    id: 'aws-access-key-id',
    description: 'an AWS access key id',
    pattern: /\b(?<secret>(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16})\b/g,
  },
  {
    id: 'aws-secret-access-key',
    description: 'an AWS secret access key',
    pattern: /aws[\w .-]{0,20}?(?:secret|key)[\w .-]{0,20}?["']?\s*[:=]\s*["']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
  },
  { id: 'github-token', description: 'a GitHub token', pattern: /\b(?<secret>gh[pousr]_[A-Za-z0-9]{36,255})\b/g },
  { id: 'github-pat', description: 'a GitHub fine-grained token', pattern: /\b(?<secret>github_pat_[A-Za-z0-9_]{22,255})\b/g },
  {
    id: 'gitlab-token',
    description: 'a GitLab token',
    pattern: /\b(?<secret>gl(?:pat|dt|rt|ptt|cbt|oas|ft|imt|agent|soat)-[A-Za-z0-9_-]{20,})/g,
  },
  { id: 'slack-token', description: 'a Slack token', pattern: /\b(?<secret>xox[abposre]-[A-Za-z0-9-]{10,})/g },
  {
    id: 'slack-webhook',
    description: 'a Slack webhook URL',
    pattern: /(?<secret>https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{20,})/g,
  },
  { id: 'stripe-key', description: 'a Stripe secret key', pattern: /\b(?<secret>(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,})/g },
  {
    id: 'openai-style-key',
    description: 'an API key of the sk-… kind (OpenAI, Anthropic and others)',
    pattern: /\b(?<secret>sk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)\d\d-)?[A-Za-z0-9_-]{20,})/g,
    accept: secret => /\d/.test(secret) && /[A-Za-z]/.test(secret.slice(3)),
  },
  { id: 'google-api-key', description: 'a Google API key', pattern: /\b(?<secret>AIza[0-9A-Za-z_-]{35})/g },
  { id: 'npm-token', description: 'an npm token', pattern: /\b(?<secret>npm_[A-Za-z0-9]{36})\b/g },
  {
    id: 'jwt',
    description: 'a JSON Web Token',
    pattern: /\b(?<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})/g,
  },
  {
    id: 'url-password',
    description: 'a password in a URL',
    pattern: /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@'"<>]*:(?<secret>[^\s@/'"<>]+)@/gi,
    accept: secret => !PLACEHOLDER.test(secret),
  },
  {
    id: 'basic-auth',
    description: 'HTTP Basic credentials',
    pattern: /\bBasic\s+(?<secret>[A-Za-z0-9+/]{12,}={0,2})(?![A-Za-z0-9+/=])/g,
    accept: secret => Buffer.from(secret, 'base64').toString('latin1').includes(':'),
  },
  {
    id: 'bearer-token',
    description: 'a bearer token',
    pattern: /\bBearer\s+(?<secret>[A-Za-z0-9._~+/-]{16,}=*)/gi,
    accept: secret => !PLACEHOLDER.test(secret) && looksRandom(secret, 3.0),
  },
  {
    id: 'secret-assignment',
    description: 'a secret assigned to a name like password, api_key or token',
    pattern: /(?<name>[A-Za-z_$][\w$.-]{0,63})["'`]?\s*(?::=|=>|==|=|:)\s*(?<q>["'`])(?<secret>[^"'`\n]{3,200}?)\k<q>/g,
    accept: (secret, match) => acceptAssignment(match.groups!.name!, secret, true),
  },
  {
    id: 'secret-assignment',
    description: 'a secret assigned to a name like password, api_key or token',
    pattern: /(?<name>[A-Za-z_$][\w$.-]{0,63})["'`]?\s*(?::=|=>|==|=|:)[ \t]*(?<secret>[^\s"'`,;]{3,})/g,
    accept: (secret, match) => acceptAssignment(match.groups!.name!, secret, false),
  },
  {
    id: 'password-phrase',
    description: 'a password given in words',
    pattern:
      /\b(?:password|passphrase|passwd|pwd)\s+(?:is|was|of|for \S+ is)\s*:?\s+(?<q>["'`]?)(?<secret>[^\s"'`]{4,}?)\k<q>(?=[\s.,;)]|$)/gi,
    accept: (secret, match) => !PLACEHOLDER.test(secret) && (match.groups!.q !== '' || /[\d\W_]/.test(secret)),
  },
  {
    id: 'high-entropy-near-keyword',
    description: 'a random-looking string next to a secret-ish word',
    pattern: /(?<![A-Za-z0-9+/=_-])(?<secret>[A-Za-z0-9+/=_-]{20,})(?![A-Za-z0-9+/=_-])/g,
    accept: (secret, match, text) => acceptHighEntropy(secret, match.index + match[0].indexOf(secret), text),
  },
];

/** All secrets in `text`, in order, none overlapping (the more specific rule wins). */
export function findSecrets(text: string): SecretFinding[] {
  // Sorted by start and never overlapping, so each new match is checked by binary search: a long
  // text with thousands of findings (a pasted .env or log) stays fast.
  const spans: { rule: SecretRule; start: number; end: number }[] = [];
  for (const rule of RULES) {
    rule.pattern.lastIndex = 0;
    for (let match = rule.pattern.exec(text); match; match = rule.pattern.exec(text)) {
      if (match[0].length === 0) {
        rule.pattern.lastIndex++;
        continue;
      }
      const secret = match.groups?.secret ?? match[0];
      const start = match.index + match[0].lastIndexOf(secret);
      const end = start + secret.length;
      if (rule.accept && !rule.accept(secret, match, text)) {
        // Let the next attempt start inside this match: "a=b, password=x" must still find the second.
        rule.pattern.lastIndex = match.index + 1;
        continue;
      }
      const at = firstStartingAtOrAfter(spans, start);
      const overlaps = (at > 0 && spans[at - 1]!.end > start) || (at < spans.length && spans[at]!.start < end);
      if (!overlaps) spans.splice(at, 0, { rule, start, end });
    }
  }
  return withLineAndColumn(text, spans);
}

function firstStartingAtOrAfter(spans: readonly { start: number }[], start: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]!.start < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Adds 1-based line and column to sorted spans in one pass over the text. */
function withLineAndColumn(text: string, spans: readonly { rule: SecretRule; start: number; end: number }[]): SecretFinding[] {
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  return spans.map(({ rule, start, end }) => {
    for (let i = text.indexOf('\n', scanned); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    scanned = Math.max(scanned, lineStart);
    return { rule: rule.id, description: rule.description, start, end, line, column: start - lineStart + 1 };
  });
}

/** Replaces each finding with `[redacted: <rule>]`; the placeholder itself never matches a rule. */
export function redactSecrets(text: string, findings: readonly SecretFinding[]): string {
  let out = '';
  let at = 0;
  for (const finding of [...findings].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, finding.start) + `[redacted:${finding.rule}]`;
    at = finding.end;
  }
  return out + text.slice(at);
}

/** The check run before every write. */
export function checkSecrets(text: string, policy: SecretPolicy): SecretCheck {
  const findings = findSecrets(text);
  if (findings.length === 0) return { kind: 'clean', text };
  if (policy === 'refuse') return { kind: 'refused', findings, message: `${describeFindings(findings)} The note was not stored.` };
  const redacted = redactSecrets(text, findings);
  return {
    kind: 'redacted',
    text: redacted,
    findings,
    message: `${describeFindings(findings)} ${findings.length === 1 ? 'It was' : 'They were'} replaced by [redacted:…] before storing.`,
  };
}

/** Throws SecretFoundError if the text holds a secret (the store's last line of defence). */
export function assertNoSecrets(text: string): void {
  const findings = findSecrets(text);
  if (findings.length > 0) throw new SecretFoundError(findings);
}

/** "Found 2 possible secrets: a GitHub token at line 1, column 10 (40 characters); ..." */
export function describeFindings(findings: readonly SecretFinding[]): string {
  const parts = findings.map(f => `${f.description} at line ${f.line}, column ${f.column} (${f.end - f.start} characters)`);
  return findings.length === 1
    ? `Found a possible secret: ${parts[0]}.`
    : `Found ${findings.length} possible secrets: ${parts.join('; ')}.`;
}

function acceptAssignment(name: string, value: string, quoted: boolean): boolean {
  const key = name.toLowerCase().replace(/[^a-z]/g, '');
  const secretName = SECRET_NAMES.some(n => key.endsWith(n));
  if (!secretName) return false;
  if (PLACEHOLDER.test(value) || /^\[redacted/i.test(value)) return false;
  if (!quoted && CODE_REFERENCE.test(value)) return false;
  if (/^\d{1,6}$/.test(value)) return false; // lengths, counts, ports
  if (PASSWORD_NAMES.some(n => key.endsWith(n))) return value.length >= 4;
  // token / key / secret names: the value has to look like one, not like a word or a setting name.
  return value.length >= 8 && (looksRandom(value, 2.5) || (quoted && /\d/.test(value) && /[A-Za-z]/.test(value)));
}

const SECRET_WORD = /(?:key|token|secret|passw|pwd|credential|auth|bearer|api|signature|cookie|session)/i;
const HEX_ONLY = /^[0-9a-f]+$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Subresource-integrity hashes, as lockfiles hold them (sha512-<base64>). */
const SRI_HASH = /^sha(?:1|256|384|512)-/;

function acceptHighEntropy(secret: string, start: number, text: string): boolean {
  // Hashes (git SHAs, sha256 sums, lockfile integrity) and UUIDs are ids, not secrets; an
  // assignment rule still catches a hex value given to a secret-ish name.
  if (HEX_ONLY.test(secret) || UUID.test(secret) || SRI_HASH.test(secret)) return false;
  // An inline image or file in docs (data:image/png;base64,...) is content, whatever its alt text says.
  if (text.slice(Math.max(0, start - 8), start) === ';base64,') return false;
  if (!looksRandom(secret, 3.5)) return false;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const before = text.slice(Math.max(lineStart, start - 40), start);
  return SECRET_WORD.test(before);
}

/** Shannon entropy per character and frequent class changes: random, not an identifier or a word. */
function looksRandom(value: string, minEntropy: number): boolean {
  if (!/\d/.test(value) || !/[A-Za-z]/.test(value)) return false;
  if (entropy(value) < minEntropy) return false;
  let changes = 0;
  for (let i = 1; i < value.length; i++) if (charClass(value[i]!) !== charClass(value[i - 1]!)) changes++;
  return changes / value.length >= 0.25;
}

function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function charClass(ch: string): number {
  if (ch >= '0' && ch <= '9') return 0;
  if (ch >= 'a' && ch <= 'z') return 1;
  if (ch >= 'A' && ch <= 'Z') return 2;
  return 3;
}
