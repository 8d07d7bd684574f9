// Typed access to mnemo's settings (package.json "contributes.configuration"). Read on every get, so
// a changed setting is seen at once; the lists say which settings need more than a re-read.
import * as vscode from 'vscode';

export const CONFIG_SECTION = 'mnemo';

export class Config {
  /** Settings that only take effect after "Developer: Reload Window". */
  static readonly requiresWindowReload: readonly string[] = [];
  /** Settings that restart the model worker when changed (the worker lands with src/service). */
  static readonly requiresWorkerRestart: readonly string[] = [];

  get showStatusBarItem(): boolean {
    return this.section().get<boolean>('statusBar.show', true);
  }

  /** True when the change touches the given mnemo setting, e.g. "statusBar.show". */
  static affects(event: vscode.ConfigurationChangeEvent, key: string): boolean {
    return event.affectsConfiguration(`${CONFIG_SECTION}.${key}`);
  }

  private section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(CONFIG_SECTION);
  }
}
