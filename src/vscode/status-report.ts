// What `mnemo: Show Status` reports, and how it reads as text. Pure: no `vscode` import, so the
// wording is unit-tested; the command (commands.ts) fills it in from the running editor.
import type { OnnxSelfCheck } from './onnx-self-check';

export interface StatusReport {
  readonly extensionVersion: string;
  /** VS Code's own version (code-server reports the VS Code build it ships). */
  readonly vscodeVersion: string;
  /** e.g. "Visual Studio Code", "code-server". */
  readonly appName: string;
  readonly uiKind: 'desktop' | 'web';
  /** Node version of the extension host this report was made in (the native addon runs there). */
  readonly extensionHostNode: string;
  readonly onnxruntime: OnnxSelfCheck;
}

/** One line for the notification and the status bar tooltip. */
export function statusSummary(report: StatusReport): string {
  return `mnemo ${report.extensionVersion} on VS Code ${report.vscodeVersion}: ${onnxruntimeSummary(report.onnxruntime)}`;
}

export function onnxruntimeSummary(check: OnnxSelfCheck): string {
  switch (check.kind) {
    case 'ok':
      return `onnxruntime ${check.onnxruntimeVersion} ran a test graph (${check.elapsedMs} ms)`;
    case 'failed':
      return `onnxruntime failed at ${check.stage}: ${check.message}`;
  }
}

/** The full report, one fact per line, for the output channel. */
export function statusLines(report: StatusReport): string[] {
  const lines = [
    `mnemo version:  ${report.extensionVersion}`,
    `VS Code:        ${report.vscodeVersion} (${report.appName}, ${report.uiKind} UI)`,
    `extension host: Node ${report.extensionHostNode}`,
    `onnxruntime:    ${onnxruntimeSummary(report.onnxruntime)}`,
  ];
  if (report.onnxruntime.kind === 'ok') {
    lines.push(`  test graph Y = X·W + B gave [${report.onnxruntime.output.map(v => v.toFixed(4)).join(', ')}]`);
  }
  return lines;
}
