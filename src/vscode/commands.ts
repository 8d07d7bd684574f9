// The command implementations. Each export turns the context into the handler that
// extension.ts registers as `mnemo.<name>`; package.json "contributes.commands" lists the same names
// (an integration test checks the two agree).
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { statusLines, statusSummary, type StatusReport } from './status-report';

export type Command = (...args: unknown[]) => unknown;
export type CommandFactory = (ctx: Ctx) => Command;

/** `mnemo: Show Status`: re-runs the runtime self-check, shows the result and returns it. */
export function showStatus(ctx: Ctx): Command {
  return async (): Promise<StatusReport> => {
    const report: StatusReport = {
      extensionVersion: ctx.extensionVersion,
      vscodeVersion: vscode.version,
      appName: vscode.env.appName,
      uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop',
      extensionHostNode: process.versions.node,
      onnxruntime: await ctx.checkRuntime(),
    };
    for (const line of statusLines(report)) ctx.log.info(line);
    const summary = statusSummary(report);
    const showMessage = report.onnxruntime.kind === 'ok' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
    // Not awaited: the message stays up until dismissed, the caller gets the report at once.
    void showMessage(summary, 'Show Log').then(choice => {
      if (choice === 'Show Log') ctx.log.show();
    });
    return report;
  };
}
