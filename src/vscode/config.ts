// Typed access to mnemo's settings (package.json "contributes.configuration"). Read on every get, so
// a changed setting is seen at once; the lists say which settings need more than a re-read.
import * as vscode from 'vscode';
import { defaultAnswerSupportSettings } from '../memory/keyed/answerSupport';
import { SHOW_MODES, type ShowMode } from '../service/completionConfidence';

export const CONFIG_SECTION = 'mnemo';

export type SecretsPolicy = 'refuse' | 'redact';

export class Config {
  /** Settings that only take effect after "Developer: Reload Window". */
  static readonly requiresWindowReload: readonly string[] = [];
  /** Settings that restart the model worker when changed (they are fixed for a worker's life). */
  static readonly requiresWorkerRestart: readonly string[] = ['modelPath', 'notes.secrets', 'notes.author', 'chat.answerThreshold'];

  get showStatusBarItem(): boolean {
    return this.section().get<boolean>('statusBar.show', true);
  }

  /** mnemo.completions.show; without it, the older mnemo.completions.enabled = false still means off. */
  get completionsShow(): ShowMode {
    const section = this.section();
    const show = section.inspect<string>('completions.show');
    const explicit = show?.workspaceFolderValue ?? show?.workspaceValue ?? show?.globalValue;
    if (isShowMode(explicit)) return explicit;
    return section.get<boolean>('completions.enabled', true) === false ? 'off' : 'confident';
  }

  get completionsEnabled(): boolean {
    return this.completionsShow !== 'off';
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

  /** The chat answers only when a question's best note gate reaches this (memory/answerSupport.ts). */
  get chatAnswerThreshold(): number {
    return clamp(this.section().get<number>('chat.answerThreshold', defaultAnswerSupportSettings.answerGate), 0, 1);
  }

  /** Forget shows the note's text and asks first. */
  get confirmForget(): boolean {
    return this.section().get<boolean>('notes.confirmForget', true);
  }

  /** Writes that take longer than this also show a notification with a Cancel button. */
  get cancellableAfterMs(): number {
    return clamp(this.section().get<number>('notes.cancellableAfterMs', 1500), 0, 60_000);
  }

  /** Sets mnemo.completions.show (user settings) and drops the older mnemo.completions.enabled,
   *  which it replaces. */
  async setCompletionsShow(mode: ShowMode): Promise<void> {
    const section = this.section();
    await section.update('completions.show', mode, vscode.ConfigurationTarget.Global);
    if (section.inspect<boolean>('completions.enabled')?.globalValue !== undefined)
      await section.update('completions.enabled', undefined, vscode.ConfigurationTarget.Global);
  }

  /** True when the change touches the given mnemo setting, e.g. "statusBar.show". */
  static affects(event: vscode.ConfigurationChangeEvent, key: string): boolean {
    return event.affectsConfiguration(`${CONFIG_SECTION}.${key}`);
  }

  private section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(CONFIG_SECTION);
  }
}

function isShowMode(value: unknown): value is ShowMode {
  return typeof value === 'string' && (SHOW_MODES as readonly string[]).includes(value);
}

function clamp(value: number, low: number, high: number): number {
  return Number.isFinite(value) ? Math.min(high, Math.max(low, value)) : low;
}
