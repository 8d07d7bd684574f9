// The extension's context: what activation builds once and every command reads. It owns two
// lifetimes: the extension's (pushCleanup; disposed on deactivate) and the worker's
// (pushWorkerCleanup; disposed when the model worker stops or restarts, e.g. after a settings change).
// The worker starts lazily, on the first thing that needs it, so activation never waits on it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NoteId } from '../memory/note';
import type { Citation, MemoryChangedEvent } from '../service/protocol';
import { ServiceClient } from '../service/serviceClient';
import { ServiceError } from '../service/serviceError';
import { Config } from './config';
import { createLogger, describeError, type Logger } from './log';
import { runOnnxSelfCheck, type OnnxSelfCheck } from './onnx-self-check';
import { onnxruntimeSummary } from './status-report';
import { StatusBar, type RuntimeState, type ServiceState } from './status-bar';

/** A context whose worker is running: commands that need the model take this. */
export type CtxReady = Ctx & { readonly client: ServiceClient };

/** What the model read for the last answer or completion ("why did it say that"). */
export interface LastReads {
  readonly source: 'answer' | 'completion';
  readonly prompt: string;
  readonly output: string;
  readonly citations: readonly Citation[];
  readonly at: string;
  /** The chat abstained: no remembered note covered the question, and no model text was shown. */
  readonly abstained?: boolean;
}

/** Thrown when the worker cannot run (no model, a failed start); message and hint are for the user. */
export class ServiceUnavailableError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ServiceUnavailableError';
  }
}

export class Ctx {
  readonly log: Logger;
  readonly config = new Config();
  readonly statusBar: StatusBar;
  /** Notes were written, forgotten or changed by another window; undefined: the worker restarted. */
  readonly onDidChangeNotes: vscode.Event<MemoryChangedEvent | undefined>;
  /** The model read something new (after an answer or a completion). */
  readonly onDidChangeReads: vscode.Event<LastReads>;

  /** The notes written by the last remember, for "Undo Last Note". */
  lastWritten: readonly NoteId[] = [];
  /** Notes forgotten in this window that mnemo: Undo Forget can bring back, oldest first. */
  lastForgotten: readonly NoteId[] = [];
  lastReads: LastReads | undefined;

  private clientValue: ServiceClient | undefined;
  private starting: Promise<ServiceClient> | undefined;
  private workerScope: vscode.Disposable[] = [];
  private runtime: RuntimeState = { kind: 'checking' };
  private serviceState: ServiceState = { kind: 'idle' };
  private writing: string | undefined;
  /** workerSettingsKey() of the last start; undefined before the first. */
  private startedWith: string | undefined;
  private readonly notesEmitter = new vscode.EventEmitter<MemoryChangedEvent | undefined>();
  private readonly readsEmitter = new vscode.EventEmitter<LastReads>();

  constructor(readonly extCtx: vscode.ExtensionContext) {
    this.log = createLogger();
    this.pushCleanup(this.log);
    this.statusBar = new StatusBar(this.config);
    this.pushCleanup(this.statusBar);
    this.pushCleanup(this.notesEmitter);
    this.pushCleanup(this.readsEmitter);
    this.onDidChangeNotes = this.notesEmitter.event;
    this.onDidChangeReads = this.readsEmitter.event;
    this.pushCleanup({ dispose: () => void this.stopWorker() });
    this.pushCleanup(
      vscode.workspace.onDidChangeConfiguration(e => {
        if (Config.requiresWorkerRestart.some(key => Config.affects(e, key))) void this.restartIfSettingsChanged();
        if (Config.affects(e, 'completions.enabled') || Config.affects(e, 'completions.show')) this.refreshStatus();
      }),
    );
    this.pushCleanup(vscode.workspace.onDidGrantWorkspaceTrust(() => this.refreshStatus()));
    this.refreshStatus();
  }

  get extensionVersion(): string {
    return (this.extCtx.extension.packageJSON as { version: string }).version;
  }

  /** Untrusted workspace (restricted mode): answers and completions work, writes do not. */
  get restricted(): boolean {
    return !vscode.workspace.isTrusted;
  }

  get client(): ServiceClient | undefined {
    return this.clientValue;
  }

  get service(): ServiceState {
    return this.serviceState;
  }

  /** Where this workspace's notes live: VS Code's workspace storage, else the global storage. */
  get storeDir(): string {
    const base = this.extCtx.storageUri ?? this.extCtx.globalStorageUri;
    return path.join(base.fsPath, 'memory');
  }

  get modelDir(): string {
    return this.config.modelPath || path.join(this.extCtx.extensionPath, 'native', 'model');
  }

  pushCleanup(disposable: vscode.Disposable): void {
    this.extCtx.subscriptions.push(disposable);
  }

  /** Disposed when the worker stops or restarts. */
  pushWorkerCleanup(disposable: vscode.Disposable): void {
    this.workerScope.push(disposable);
  }

  /** The running worker, started on first use. Throws ServiceUnavailableError when it cannot run. */
  async ready(): Promise<CtxReady> {
    await this.ensureClient();
    return this as CtxReady;
  }

  /** Shows a write in the status bar while `work` runs. */
  async whileWriting<T>(what: string, work: () => Promise<T>): Promise<T> {
    this.writing = what.length > 40 ? `${what.slice(0, 39)}…` : what;
    this.refreshStatus();
    try {
      return await work();
    } finally {
      this.writing = undefined;
      this.refreshStatus();
    }
  }

  recordReads(reads: LastReads): void {
    this.lastReads = reads;
    this.readsEmitter.fire(reads);
  }

  refreshStatus(): void {
    this.statusBar.show({
      runtime: this.runtime,
      service: this.serviceState,
      completionsShow: this.config.completionsShow,
      writing: this.writing,
      restricted: this.restricted,
    });
  }

  /** Restarts the worker when it runs (or started) with settings other than the current ones. */
  private async restartIfSettingsChanged(): Promise<void> {
    await this.starting?.catch(() => undefined);
    if (this.startedWith !== undefined && this.startedWith !== this.workerSettingsKey()) await this.restartWorker();
  }

  /** The settings a worker is started with, as one comparable string. */
  private workerSettingsKey(): string {
    return JSON.stringify([this.modelDir, this.config.secretsPolicy, this.config.author]);
  }

  async restartWorker(): Promise<void> {
    // A start under way finishes first, so the stop below always sees its client.
    await this.starting?.catch(() => undefined);
    await this.stopWorker();
    this.notesEmitter.fire(undefined);
    // Start again only if it ran before; otherwise the next use starts it.
    void this.ensureClient().catch(() => undefined);
  }

  /** Run the onnxruntime self-check now, log it and show its outcome in the status bar. */
  async checkRuntime(): Promise<OnnxSelfCheck> {
    this.runtime = { kind: 'checking' };
    this.refreshStatus();
    const result = await runOnnxSelfCheck();
    const line = `self-check: ${onnxruntimeSummary(result)}`;
    if (result.kind === 'ok') this.log.info(line);
    else this.log.error(line);
    this.runtime = result;
    this.refreshStatus();
    return result;
  }

  private ensureClient(): Promise<ServiceClient> {
    if (this.clientValue) return Promise.resolve(this.clientValue);
    this.starting ??= this.startClient().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async startClient(): Promise<ServiceClient> {
    this.setService({ kind: 'starting' });
    this.startedWith = this.workerSettingsKey();
    const storeDir = this.storeDir;
    const modelDir = this.modelDir;
    fs.mkdirSync(storeDir, { recursive: true });
    this.log.info(`starting the model worker: store ${storeDir}, model ${modelDir}`);
    try {
      const client = await ServiceClient.start({
        storeDir,
        modelDir,
        workerScript: path.join(this.extCtx.extensionPath, 'dist', 'worker.js'),
        defaults: {
          secrets: this.config.secretsPolicy,
          answerSupport: { answerGate: this.config.chatAnswerThreshold },
          ...(this.config.author ? { author: this.config.author } : {}),
        },
        // A store written with another model is re-learned before the worker is ready: show it.
        onInitProgress: event => this.setService({ kind: 'starting', progress: { message: event.message, fraction: event.fraction } }),
      });
      this.clientValue = client;
      this.attachWorkerEvents(client);
      for (const message of client.init.storeMessages) this.log.warn(`store: ${message}`);
      this.setService({ kind: 'ready', notes: client.init.notes, model: client.init.model.id });
      this.log.info(`model worker ready: ${client.init.model.id}, ${client.init.notes} notes`);
      return client;
    } catch (e) {
      if (e instanceof ServiceError && e.code === 'not-ready') {
        this.setService({ kind: 'no-model', message: e.message, hint: e.hint ?? '' });
        this.log.warn(`model not installed: ${e.message} ${e.hint ?? ''}`);
        throw new ServiceUnavailableError(`mnemo's model is not installed. ${e.message}`, e.hint);
      }
      const message = e instanceof Error ? e.message : String(e);
      this.setService({ kind: 'failed', message });
      this.log.error(`the model worker did not start: ${describeError(e)}`);
      throw new ServiceUnavailableError(
        `mnemo could not start its model worker: ${message}`,
        e instanceof ServiceError ? e.hint : undefined,
      );
    }
  }

  private attachWorkerEvents(client: ServiceClient): void {
    const off = [
      client.on('log', event => this.log[event.level](`worker: ${event.message}`)),
      client.on('memory/changed', event => {
        void this.refreshNoteCount(client);
        this.notesEmitter.fire(event);
      }),
    ];
    this.pushWorkerCleanup({ dispose: () => off.forEach(unsubscribe => unsubscribe()) });
  }

  private async refreshNoteCount(client: ServiceClient): Promise<void> {
    try {
      const status = await client.request('worker/status', {});
      if (this.clientValue === client) this.setService({ kind: 'ready', notes: status.notes ?? 0, model: status.model?.id ?? '' });
    } catch {
      // The worker stopped; the next use restarts it.
    }
  }

  private async stopWorker(): Promise<void> {
    for (const disposable of this.workerScope.splice(0)) disposable.dispose();
    const client = this.clientValue;
    this.clientValue = undefined;
    this.setService({ kind: 'idle' });
    await client?.dispose();
  }

  private setService(state: ServiceState): void {
    this.serviceState = state;
    this.refreshStatus();
  }
}
