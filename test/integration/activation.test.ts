// Integration: mnemo is loaded in a real VS Code, activates by itself after startup, and everything
// its manifest contributes is really registered.
import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { manifest, mnemoExtension, waitForActivation } from './extension-host';

describe('activation', () => {
  it('activates on onStartupFinished without being asked', async () => {
    assert.deepEqual(manifest().activationEvents, ['onStartupFinished']);
    const extension = await waitForActivation(30_000);
    assert.equal(extension.isActive, true);
  });

  it('runs in the Node extension host of the VS Code it reports', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    assert.equal(mnemoExtension().extensionKind, vscode.ExtensionKind.Workspace);
    assert.ok(Number(process.versions.node.split('.')[0]) >= 20, `Node ${process.versions.node}`);
  });
});

describe('contributions', () => {
  it('registers exactly the commands package.json contributes', async () => {
    await waitForActivation(30_000);
    const contributed = manifest()
      .contributes.commands.map(c => c.command)
      .sort();
    // VS Code adds <viewId>.focus/.open/... for every contributed view; those are not ours to register.
    const viewIds = Object.values(manifest().contributes.views ?? {})
      .flat()
      .map(v => v.id);
    const registered = (await vscode.commands.getCommands(true))
      .filter(c => c.startsWith('mnemo.') && !viewIds.some(id => c.startsWith(`${id}.`)))
      .sort();
    assert.deepEqual(registered, contributed);
  });

  it('titles Show Status as "mnemo: Show Status" in the command palette', () => {
    const showStatus = manifest().contributes.commands.find(c => c.command === 'mnemo.showStatus');
    assert.ok(showStatus, 'mnemo.showStatus is contributed');
    assert.equal(`${showStatus.category}: ${showStatus.title}`, 'mnemo: Show Status');
  });

  it('declares the status bar setting, and VS Code reads its default', () => {
    const property = manifest().contributes.configuration.properties['mnemo.statusBar.show'];
    assert.equal(property?.type, 'boolean');
    assert.equal(vscode.workspace.getConfiguration('mnemo').get('statusBar.show'), true);
  });
});
