// mnemo's status bar item: shows that mnemo is loaded and whether its runtime works; a click runs
// `mnemo: Show Status`. Its accessibility label states the runtime state in words, which screen
// readers and the integration tests read.
import * as vscode from 'vscode';
import { Config } from './config';
import type { OnnxSelfCheck } from './onnx-self-check';
import { onnxruntimeSummary } from './status-report';

export type StatusBarState = { readonly kind: 'checking' } | OnnxSelfCheck;

export const STATUS_BAR_ITEM_ID = 'mnemo.status';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly configListener: vscode.Disposable;

  constructor(private readonly config: Config) {
    this.item = vscode.window.createStatusBarItem(STATUS_BAR_ITEM_ID, vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'mnemo';
    this.item.command = 'mnemo.showStatus';
    this.configListener = vscode.workspace.onDidChangeConfiguration(e => {
      if (Config.affects(e, 'statusBar.show')) this.applyVisibility();
    });
  }

  show(state: StatusBarState): void {
    const view = describeState(state);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.accessibilityInformation = { label: view.label, role: 'button' };
    this.item.backgroundColor = state.kind === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.applyVisibility();
  }

  dispose(): void {
    this.configListener.dispose();
    this.item.dispose();
  }

  private applyVisibility(): void {
    if (this.config.showStatusBarItem) this.item.show();
    else this.item.hide();
  }
}

function describeState(state: StatusBarState): { text: string; tooltip: string; label: string } {
  switch (state.kind) {
    case 'checking':
      return { text: '$(sync~spin) mnemo', tooltip: 'mnemo: checking onnxruntime…', label: 'mnemo: checking onnxruntime' };
    case 'ok':
      return { text: '$(database) mnemo', tooltip: `mnemo: ${onnxruntimeSummary(state)}`, label: 'mnemo: onnxruntime ready' };
    case 'failed':
      return { text: '$(warning) mnemo', tooltip: `mnemo: ${onnxruntimeSummary(state)}`, label: 'mnemo: onnxruntime failed' };
  }
}
