import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isExtensionWebviewFrame, isRemoteUrl, urlsInCspRefusal, WebviewNetworkLog } from './webview-requests';

const WORKBENCH = 'http://127.0.0.1:41234/?folder=/ws';
const WEBVIEW =
  'http://127.0.0.1:41234/stable-abc/static/out/vs/workbench/contrib/webview/browser/pre/index.html?id=1&extensionId=mnemo.mnemo&platform=browser';
const INNER = 'http://127.0.0.1:41234/stable-abc/static/out/vs/workbench/contrib/webview/browser/pre/fake.html?id=1';
const OTHER = WEBVIEW.replace('mnemo.mnemo', 'vscode.markdown-language-features');

test('frames of mnemo webviews are told apart from the workbench and other extensions', () => {
  assert.equal(isExtensionWebviewFrame([INNER, WEBVIEW, WORKBENCH]), true);
  assert.equal(isExtensionWebviewFrame([WORKBENCH]), false);
  assert.equal(isExtensionWebviewFrame([INNER, OTHER, WORKBENCH]), false);
});

test('remote: http(s)/ws(s) off loopback; data, blob and vscode schemes are local', () => {
  assert.equal(isRemoteUrl('https://cdn.example.com/x.js'), true);
  assert.equal(isRemoteUrl('wss://example.com/socket'), true);
  assert.equal(isRemoteUrl('http://10.0.0.2/'), true);
  for (const url of [
    'http://127.0.0.1:4000/a.js',
    'http://localhost/x',
    'data:image/png;base64,AA',
    'blob:http://127.0.0.1/1',
    'vscode-resource://x',
    'https://[::1]/',
  ]) {
    assert.equal(isRemoteUrl(url), false, url);
  }
});

test('a deliberate remote request from a mnemo webview, or a CSP refusal of one, is reported', () => {
  const log = new WebviewNetworkLog();
  log.request('http://127.0.0.1:41234/stable-abc/vscode-remote-resource?path=/ext/dist/webview/chat.js', [INNER, WEBVIEW, WORKBENCH]);
  // VS Code's resource URL, answered by the webview's service worker: no network.
  log.request(
    'https://vscode-remote+127-002e0-002e0-002e1-003a41234.vscode-resource.vscode-cdn.net/ext/media/webview.css',
    [INNER, WEBVIEW, WORKBENCH],
    true,
  );
  log.request('https://open-vsx.org/api/x', [WORKBENCH]); // the workbench's own, not a webview's
  assert.deepEqual(log.report(), { frames: 1, requests: 2, remote: [] });
  log.request('https://cdn.example.com/font.woff2', [INNER, WEBVIEW, WORKBENCH]);
  log.request(
    'https://vscode-remote+127-002e0-002e0-002e1-003a41234.vscode-resource.vscode-cdn.net/ext/media/x.css',
    [INNER, WEBVIEW, WORKBENCH],
    false,
  );
  log.console(
    "Refused to load the image 'https://tracker.example.com/p.gif' because it violates the following Content Security Policy directive: \"img-src 'self'\".",
    INNER,
  );
  log.console(
    "Refused to load the image 'https://tracker.example.com/p.gif' because it violates the following Content Security Policy directive",
    WORKBENCH,
  );
  log.console(
    "Refused to load the image 'https://tracker.example.com/p.gif' because it violates the following Content Security Policy directive",
    OTHER.replace('id=1', 'id=2'),
  );
  const report = log.report();
  assert.equal(report.remote.length, 3);
  assert.match(report.remote[0]!, /^https:\/\/cdn\.example\.com\/font\.woff2/);
  assert.match(report.remote[1]!, /vscode-cdn\.net/, 'a resource URL the service worker did not answer went to the network');
  assert.match(report.remote[2]!, /tracker\.example\.com.*refused by CSP/);
});

test('urlsInCspRefusal reads only CSP refusals', () => {
  assert.deepEqual(
    urlsInCspRefusal(
      "Refused to connect to 'wss://x.example/s' because it violates the following Content Security Policy directive: connect-src 'none'",
    ),
    ['wss://x.example/s'],
  );
  assert.deepEqual(urlsInCspRefusal("Failed to load 'https://x.example/'"), []);
});
