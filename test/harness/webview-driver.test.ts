import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUiRequest, UI_MARKER } from './webview-driver';

test('UI requests are read only from marked log lines with a result file and a selector', () => {
  const request = { action: 'click', selector: '#ask', view: 'chat', resultFile: 'out.json' };
  assert.deepEqual(parseUiRequest(`${UI_MARKER}${JSON.stringify(request)}`), request);
  assert.equal(parseUiRequest(JSON.stringify(request)), undefined, 'no marker');
  assert.equal(parseUiRequest(`${UI_MARKER}{not json`), undefined);
  assert.equal(
    parseUiRequest(`${UI_MARKER}${JSON.stringify({ action: 'click', selector: '#ask', view: 'chat' })}`),
    undefined,
    'no result file',
  );
  assert.equal(parseUiRequest(`  ✔ ${UI_MARKER}`), undefined);
});
