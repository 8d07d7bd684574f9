// mnemo's status bar item: one of on / off / writing / error (plus "starting" and "no model"), built
// from what the context knows (runtime self-check, worker, completions toggle, a write under way).
// A click runs `mnemo: Show Status`. Its accessibility label states everything in words, which screen
// readers and the integration tests read; it starts with the runtime check ("mnemo: onnxruntime ready").
import * as vscode from 'vscode';
import { Config } from './config';
import { describeStatus, type StatusInputs, type StatusKind } from './status-view';

export type { RuntimeState, ServiceState, StatusInputs, StatusKind } from './status-view';

export const STATUS_BAR_ITEM_ID = 'mnemo.status';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly configListener: vscode.Disposable;
  private current: StatusKind = 'starting';

  constructor(private readonly config: Config) {
    this.item = vscode.window.createStatusBarItem(STATUS_BAR_ITEM_ID, vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'mnemo';
    this.item.command = 'mnemo.showStatus';
    this.configListener = vscode.workspace.onDidChangeConfiguration(e => {
      if (Config.affects(e, 'statusBar.show')) this.applyVisibility();
    });
  }

  get kind(): StatusKind {
    return this.current;
  }

  show(inputs: StatusInputs): void {
    const view = describeStatus(inputs);
    this.current = view.kind;
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.accessibilityInformation = { label: view.label, role: 'button' };
    this.item.backgroundColor = view.kind === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
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
