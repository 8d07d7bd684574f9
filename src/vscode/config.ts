// Typed access to mnemo's settings (package.json "contributes.configuration"). Read on every get, so
// a changed setting is seen at once; the lists say which settings need more than a re-read.
import * as vscode from 'vscode';

export const CONFIG_SECTION = 'mnemo';

export type SecretsPolicy = 'refuse' | 'redact';

export class Config {
  /** Settings that only take effect after "Developer: Reload Window". */
  static readonly requiresWindowReload: readonly string[] = [];
  /** Settings that restart the model worker when changed (they are fixed for a worker's life). */
  static readonly requiresWorkerRestart: readonly string[] = ['modelPath', 'notes.secrets', 'notes.author'];

  get showStatusBarItem(): boolean {
    return this.section().get<boolean>('statusBar.show', true);
  }

  get completionsEnabled(): boolean {
    return this.section().get<boolean>('completions.enabled', true);
  }

  /** Milliseconds of quiet typing before a completion is requested. */
  get completionsDebounceMs(): number {
    return clamp(this.section().get<number>('completions.debounceMs', 120), 0, 2000);
  }

  /** false: completions stop at the end of the line even when the model would go on. */
  get completionsMultiline(): boolean {
    return this.section().get<boolean>('completions.multiline', true);
  }

  /** A checkpoint directory; empty means the model shipped in the extension (native/model). */
  get modelPath(): string {
    return this.section().get<string>('modelPath', '').trim();
  }

  get secretsPolicy(): SecretsPolicy {
    return this.section().get<SecretsPolicy>('notes.secrets', 'refuse') === 'redact' ? 'redact' : 'refuse';
  }

  /** Author recorded on notes; empty means the OS user name. */
  get author(): string {
    return this.section().get<string>('notes.author', '').trim();
  }

  get chatMaxTokens(): number {
    return clamp(this.section().get<number>('chat.maxTokens', 96), 8, 512);
  }

  /** Forget shows the note's text and asks first. */
  get confirmForget(): boolean {
    return this.section().get<boolean>('notes.confirmForget', true);
  }

  /** Writes that take longer than this also show a notification with a Cancel button. */
  get cancellableAfterMs(): number {
    return clamp(this.section().get<number>('notes.cancellableAfterMs', 1500), 0, 60_000);
  }

  async setCompletionsEnabled(enabled: boolean): Promise<void> {
    await this.section().update('completions.enabled', enabled, vscode.ConfigurationTarget.Global);
  }

  /** True when the change touches the given mnemo setting, e.g. "statusBar.show". */
  static affects(event: vscode.ConfigurationChangeEvent, key: string): boolean {
    return event.affectsConfiguration(`${CONFIG_SECTION}.${key}`);
  }

  private section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(CONFIG_SECTION);
  }
}

function clamp(value: number, low: number, high: number): number {
  return Number.isFinite(value) ? Math.min(high, Math.max(low, value)) : low;
}
