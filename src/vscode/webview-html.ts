// The webviews' HTML as VS Code gets it: webview-document.ts's shell (strict CSP, one nonce script,
// the shared stylesheet) with this webview's resource URIs and a fresh nonce. Webview options allow
// only the extension's own folders.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { webviewDocument, type WebviewPage } from './webview-document';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableForms: false,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage, title: string): string {
  return webviewDocument({
    page,
    title,
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${page}.js`)).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css')).toString(),
  });
}
