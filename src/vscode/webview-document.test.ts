import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { cspProblems, WEBVIEW_PAGES, webviewDocument, type WebviewDocumentParts } from './webview-document';

// What VS Code's webview.cspSource is in code-server 4.139 / VS Code 1.139, and a resource URI it makes.
const CSP_SOURCE = "'self' https://*.vscode-cdn.net";
const RESOURCE = 'https://file+.vscode-resource.vscode-cdn.net/ext/mnemo';

function parts(page: WebviewDocumentParts['page'], overrides: Partial<WebviewDocumentParts> = {}): WebviewDocumentParts {
  return {
    page,
    title: `mnemo ${page}`,
    cspSource: CSP_SOURCE,
    nonce: 'q0VnN2y8oQ7mB1c3d4e5fA==',
    scriptUri: `${RESOURCE}/dist/webview/${page}.js`,
    styleUri: `${RESOURCE}/media/webview.css`,
    ...overrides,
  };
}

function policy(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
  return new Map(
    content
      .split(';')
      .map(part => part.trim().split(/\s+/))
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('each webview document has a strict content security policy', () => {
  for (const page of WEBVIEW_PAGES) {
    test(`${page}: default-src 'none', nonce scripts, styles only from the extension`, () => {
      const html = webviewDocument(parts(page));
      const csp = policy(html);
      assert.deepEqual(csp.get('default-src'), ["'none'"]);
      assert.deepEqual(csp.get('script-src'), ["'nonce-q0VnN2y8oQ7mB1c3d4e5fA=='"]);
      assert.deepEqual(csp.get('style-src'), CSP_SOURCE.split(' '));
      assert.deepEqual(csp.get('base-uri'), ["'none'"]);
      assert.deepEqual(csp.get('form-action'), ["'none'"]);
      assert.deepEqual([...csp.keys()].sort(), ['base-uri', 'default-src', 'form-action', 'script-src', 'style-src']);
      assert.doesNotMatch(html, /unsafe-|https?:\/\/(?!\*\.vscode-cdn\.net|file\+\.vscode-resource\.vscode-cdn\.net)/);
      assert.ok(html.includes(`<script nonce="q0VnN2y8oQ7mB1c3d4e5fA==" src="${RESOURCE}/dist/webview/${page}.js"></script>`));
      assert.ok(html.includes(`<body class="mnemo-${page}">`));
      assert.deepEqual(cspProblems(html, CSP_SOURCE), []);
    });
  }

  test('the title is escaped, never markup', () => {
    const html = webviewDocument(parts('chat', { title: '</title><script>alert(1)</script>' }));
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.deepEqual(cspProblems(html, CSP_SOURCE), []);
  });
});

describe('the policy check finds what a lax document gets wrong', () => {
  const good = webviewDocument(parts('inspector'));
  const cases: [string, string, RegExp][] = [
    [
      'remote scripts',
      good.replace("script-src 'nonce-", "script-src https://cdn.example.com 'nonce-"),
      /script-src allows https:\/\/cdn\.example\.com/,
    ],
    ['unsafe-inline styles', good.replace('style-src ', "style-src 'unsafe-inline' "), /style-src allows 'unsafe-inline'/],
    ['unsafe-eval', good.replace("script-src 'nonce-", "script-src 'unsafe-eval' 'nonce-"), /unsafe-eval/],
    ['a default other than none', good.replace("default-src 'none'", 'default-src *'), /default-src allows \*/],
    ['no default-src', good.replace("default-src 'none'; ", ''), /no default-src/],
    ['images from anywhere', good.replace("base-uri 'none'", "base-uri 'none'; img-src https:"), /unexpected directive img-src/],
    [
      'an inline script',
      good.replace('</body>', '<script nonce="q0VnN2y8oQ7mB1c3d4e5fA==">alert(1)</script></body>'),
      /inline script body/,
    ],
    [
      'a script without the nonce',
      good.replace('</body>', `<script src="${RESOURCE}/x.js"></script></body>`),
      /without this document's nonce/,
    ],
    ['an inline handler', good.replace('<main id="app">', '<main id="app" onclick="alert(1)">'), /inline event handler/],
    [
      'a remote stylesheet',
      good.replace(`${RESOURCE}/media/webview.css`, 'https://fonts.example.com/a.css'),
      /outside the extension's origin/,
    ],
    ['an iframe', good.replace('</body>', '<iframe></iframe></body>'), /embedding/],
    ['no policy', good.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, ''), /expected one CSP meta tag, found 0/],
  ];
  for (const [name, html, problem] of cases) {
    test(name, () => assert.match(cspProblems(html, CSP_SOURCE).join('\n'), problem));
  }
});

describe('the webview front ends load nothing remote', () => {
  const media = path.resolve(__dirname, '..', '..', 'media');
  const sources = fs.readdirSync(media).filter(file => /\.(ts|css)$/.test(file));

  test('no URLs, imports, fetches or HTML injection in media/*.ts and *.css', () => {
    assert.ok(sources.includes('chat.ts') && sources.includes('inspector.ts') && sources.includes('webview.css'));
    for (const file of sources) {
      const text = fs.readFileSync(path.join(media, file), 'utf8');
      assert.doesNotMatch(text, /https?:\/\/|\/\/[a-z0-9-]+\.[a-z]{2,}\//i, `${file} names a URL`);
      assert.doesNotMatch(
        text,
        /\bfetch\(|XMLHttpRequest|WebSocket|EventSource|sendBeacon|\beval\(|new Function\(/,
        `${file} reaches out or evaluates code`,
      );
      assert.doesNotMatch(text, /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/, `${file} writes HTML from strings`);
      if (file.endsWith('.css')) assert.doesNotMatch(text, /@import|url\(/, `${file} loads other resources`);
    }
  });
});
