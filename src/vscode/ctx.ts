// The extension's context: what activation builds once and every command reads. It owns lifetimes:
// everything pushed with pushCleanup is disposed when the extension deactivates. (A second scope,
// disposed on a model-worker restart, arrives with the worker in src/service.)
import * as vscode from 'vscode';
import { Config } from './config';
import { createLogger, type Logger } from './log';
import { runOnnxSelfCheck, type OnnxSelfCheck } from './onnx-self-check';
import { onnxruntimeSummary } from './status-report';
import { StatusBar } from './status-bar';

export class Ctx {
  readonly log: Logger;
  readonly config = new Config();
  readonly statusBar: StatusBar;

  constructor(readonly extCtx: vscode.ExtensionContext) {
    this.log = createLogger();
    this.pushCleanup(this.log);
    this.statusBar = new StatusBar(this.config);
    this.pushCleanup(this.statusBar);
  }

  get extensionVersion(): string {
    return (this.extCtx.extension.packageJSON as { version: string }).version;
  }

  pushCleanup(disposable: vscode.Disposable): void {
    this.extCtx.subscriptions.push(disposable);
  }

  /** Run the onnxruntime self-check now, log it and show its outcome in the status bar. */
  async checkRuntime(): Promise<OnnxSelfCheck> {
    this.statusBar.show({ kind: 'checking' });
    const result = await runOnnxSelfCheck();
    const line = `self-check: ${onnxruntimeSummary(result)}`;
    if (result.kind === 'ok') this.log.info(line);
    else this.log.error(line);
    this.statusBar.show(result);
    return result;
  }
}
