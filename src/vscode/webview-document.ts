// The HTML document of each mnemo webview, as plain text from plain inputs (no `vscode`), and the
// check of its content security policy that the unit and integration tests run on it.
// The policy: nothing by default; the one stylesheet and nothing else from the extension's own
// resource origin (the webview's cspSource); scripts only with this document's nonce (no inline
// handlers, no eval); no <base>, no form posts. Nothing remote can load.

export type WebviewPage = 'chat' | 'inspector';
export const WEBVIEW_PAGES: readonly WebviewPage[] = ['chat', 'inspector'];

export interface WebviewDocumentParts {
  readonly page: WebviewPage;
  readonly title: string;
  /** webview.cspSource: the origin VS Code serves the extension's local resources from. */
  readonly cspSource: string;
  /** Fresh per document: base64 of 16 random bytes. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `style-src ${cspSource}`, `script-src 'nonce-${nonce}'`, "base-uri 'none'", "form-action 'none'"].join(
    '; ',
  );
}

export function webviewDocument(parts: WebviewDocumentParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(parts.cspSource, parts.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${escapeAttribute(parts.styleUri)}" rel="stylesheet">
<title>${escapeText(parts.title)}</title>
</head>
<body class="mnemo-${parts.page}">
<main id="app"></main>
<script nonce="${escapeAttribute(parts.nonce)}" src="${escapeAttribute(parts.scriptUri)}"></script>
</body>
</html>`;
}

/**
 * What is wrong with a webview document's security policy, empty when nothing is: the rules above,
 * checked on the HTML itself (so the real document VS Code got can be checked in an integration test).
 */
export function cspProblems(html: string, cspSource: string): string[] {
  const problems: string[] = [];
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)];
  if (metas.length !== 1) return [`expected one CSP meta tag, found ${metas.length}`];
  if (html.search(/<meta\s+http-equiv="Content-Security-Policy"/i) > html.search(/<(link|script|style)\b/i)) {
    problems.push('the CSP meta tag comes after content it should govern');
  }
  const directives = new Map<string, string[]>();
  for (const part of unescapeAttribute(metas[0]![1]!).split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  const expectOnly = (name: string, allowed: (source: string) => boolean): void => {
    const sources = directives.get(name);
    if (!sources) problems.push(`no ${name}`);
    else for (const source of sources) if (!allowed(source)) problems.push(`${name} allows ${source}`);
  };
  const ownOrigin = new Set(cspSource.split(/\s+/));
  expectOnly('default-src', source => source === "'none'");
  expectOnly('base-uri', source => source === "'none'");
  expectOnly('form-action', source => source === "'none'");
  expectOnly('style-src', source => ownOrigin.has(source));
  expectOnly('script-src', source => /^'nonce-[A-Za-z0-9+/]{16,}={0,2}'$/.test(source));
  for (const [name, sources] of directives) {
    if (!['default-src', 'base-uri', 'form-action', 'style-src', 'script-src'].includes(name))
      problems.push(`unexpected directive ${name} ${sources.join(' ')}`);
  }
  const nonces = (directives.get('script-src') ?? []).map(source => source.slice("'nonce-".length, -1));
  if (nonces.length !== 1) problems.push(`script-src should hold exactly one nonce, holds ${nonces.length}`);
  for (const script of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const attributes = script[1]!;
    if (script[2]!.trim() !== '') problems.push('an inline script body');
    if (/\bnonce="([^"]*)"/.exec(attributes)?.[1] !== nonces[0]) problems.push("a script without this document's nonce");
    if (!/\bsrc="[^"]+"/.test(attributes)) problems.push('a script without src');
  }
  if (/\son[a-z]+\s*=/i.test(html)) problems.push('an inline event handler attribute');
  if (/<(iframe|object|embed|base|form)\b/i.test(html)) problems.push('an embedding, <base> or <form> element in the shell');
  for (const url of html.matchAll(/\b(?:src|href)="([^"]*)"/gi)) {
    const value = unescapeAttribute(url[1]!);
    if (![...ownOrigin].some(origin => (origin.includes('*') ? matchesWildcardOrigin(value, origin) : value.startsWith(origin)))) {
      problems.push(`a resource outside the extension's origin: ${value.slice(0, 120)}`);
    }
  }
  return problems;
}

/** `https://*.vscode-cdn.net` matches `https://file+.vscode-resource.vscode-cdn.net/...`. */
function matchesWildcardOrigin(url: string, origin: string): boolean {
  const [scheme, host] = origin.split('://');
  if (!scheme || !host) return false;
  const suffix = host.replace(/^\*/, '');
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/]+)(\/|$)/i.exec(url);
  return match !== null && match[1] === scheme && match[2]!.endsWith(suffix) && match[2]!.length > suffix.length;
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;');
}

function unescapeAttribute(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
