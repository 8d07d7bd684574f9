// What the integration tests know about the extension under test: its id, its manifest, and a way
// to wait for its activation without triggering it (activation must come from onStartupFinished).
import * as vscode from 'vscode';

export const EXTENSION_ID = 'mnemo.mnemo';

export interface Manifest {
  readonly version: string;
  readonly activationEvents?: readonly string[];
  readonly contributes: {
    readonly commands: readonly { command: string; title: string; category?: string }[];
    readonly configuration: { properties: Record<string, { type: string; default?: unknown }> };
    readonly views?: Record<string, readonly { id: string }[]>;
  };
}

export function mnemoExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed in this VS Code`);
  return extension;
}

export function manifest(): Manifest {
  return mnemoExtension().packageJSON as Manifest;
}

/** Polls isActive; never calls activate(), so a passing wait proves VS Code activated mnemo itself. */
export async function waitForActivation(timeoutMs: number): Promise<vscode.Extension<unknown>> {
  const extension = mnemoExtension();
  const deadline = Date.now() + timeoutMs;
  while (!extension.isActive) {
    if (Date.now() > deadline) throw new Error(`${EXTENSION_ID} was not activated within ${timeoutMs} ms`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  return extension;
}
