// mnemo's VS Code entry point, read as a table of contents: build the context, register the
// commands, start the runtime self-check. The work itself lives in the files named here.
import * as vscode from 'vscode';
import * as commands from './commands';
import { Ctx } from './ctx';
import { describeError } from './log';

/** Every command, registered as `mnemo.<key>`. */
const COMMANDS: Record<string, commands.CommandFactory> = {
  showStatus: commands.showStatus,
};

export function activate(extCtx: vscode.ExtensionContext): void {
  const ctx = new Ctx(extCtx);
  try {
    ctx.log.info(`mnemo ${ctx.extensionVersion} activating in ${vscode.env.appName} ${vscode.version}`);
    registerCommands(ctx);
    // The self-check loads a native addon; it must not hold up activation.
    void ctx.checkRuntime();
  } catch (e) {
    ctx.log.error(`activation failed: ${describeError(e)}`);
    void vscode.window.showErrorMessage(`mnemo failed to activate: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
}

export function deactivate(): void {
  // Everything is in extCtx.subscriptions, which VS Code disposes.
}

function registerCommands(ctx: Ctx): void {
  for (const [name, factory] of Object.entries(COMMANDS)) {
    ctx.pushCleanup(vscode.commands.registerCommand(`mnemo.${name}`, factory(ctx)));
  }
}
