// What every command gets: where its output goes, the store and model directories (flags,
// environment, defaults), and a connection to the service worker with progress shown on stderr.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProgressEvent } from '../service/protocol';
import { ServiceClient } from '../service/serviceClient';

export interface CliOutput {
  /** Results: what a script reads. */
  out(text: string): void;
  /** Progress, warnings, errors: what a person reads. */
  err(text: string): void;
  /** Whether stderr is a terminal (progress redraws one line there). */
  readonly interactive: boolean;
}

export const processOutput: CliOutput = {
  out: text => process.stdout.write(text),
  err: text => process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
};

/** The repository (or installed package) root: the folder with mnemo's package.json. */
export function packageRoot(from = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && readName(manifest) === 'mnemo') return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..', '..');
  }
}

function readName(file: string): string | undefined {
  return readManifest(file)?.name;
}

function readManifest(file: string): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
}

export function packageVersion(): string {
  return readManifest(path.join(packageRoot(), 'package.json'))?.version ?? 'unknown';
}

/** --store, else $MNEMO_STORE, else ./.mnemo (the store of the project in the current directory). */
export function storeDirOf(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? env.MNEMO_STORE ?? '.mnemo');
}

/** --model, else $MNEMO_MODEL, else the shipped model (native/model). */
export function modelDirOf(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? env.MNEMO_MODEL ?? path.join(packageRoot(), 'native', 'model'));
}

/** Draws progress on one stderr line (terminal) or prints each new stage once (pipes, logs). */
export function progressPrinter(output: CliOutput): { readonly show: (event: ProgressEvent) => void; readonly done: () => void } {
  let lastStage = '';
  let drawn = false;
  return {
    show: event => {
      if (output.interactive) {
        output.err(`\r\x1b[2K${event.message}`);
        drawn = true;
      } else if (event.stage !== lastStage) {
        output.err(`${event.message}\n`);
      }
      lastStage = event.stage;
    },
    done: () => {
      if (drawn) output.err('\r\x1b[2K');
      drawn = false;
    },
  };
}

/** Thrown by commands that only read a store when there is none: they never create one. */
export class NoStoreError extends Error {
  readonly hint = 'Remember a note first (mnemo remember "..."), or point --store (or $MNEMO_STORE) at an existing store.';
  constructor(readonly dir: string) {
    super(`No mnemo store at ${dir}.`);
  }
}

/** Whether `dir` holds a store (its snapshot or journal); a mistyped --store path does not. */
export function storeExists(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'snapshot.mnemo')) || fs.existsSync(path.join(dir, 'journal.mnemo'));
}

/** For the read-only commands (ask, complete, notes, export, check): refuses a folder that is not a store. */
export function requireStore(dir: string): string {
  if (!storeExists(dir)) throw new NoStoreError(dir);
  return dir;
}

/** Starts the worker on the store; shows what opening the store reported. */
export async function connect(
  output: CliOutput,
  storeDir: string,
  modelDir: string,
  options: { recover?: boolean; redact?: boolean; signal?: AbortSignal } = {},
): Promise<ServiceClient> {
  // Opening a store written with another model re-learns its notes first: show that on one line.
  const progress = progressPrinter(output);
  let client: ServiceClient;
  try {
    client = await ServiceClient.start({
      storeDir,
      modelDir,
      recover: options.recover,
      defaults: options.redact ? { secrets: 'redact' } : undefined,
      onInitProgress: progress.show,
      // Ctrl-C stops an upgrade between notes; the next start continues it.
      signal: options.signal,
    });
  } finally {
    progress.done();
  }
  for (const message of client.init.storeMessages) output.err(`${message}\n`);
  return client;
}

/** A progress line on stderr for a long request (see progressPrinter). */
export type ProgressPrinter = ReturnType<typeof progressPrinter>;

/** Runs `use` on a service client for the command's store and model, with a progress line for its
 *  long requests, and always clears the line and closes the client. `existing`: the command only
 *  works on a store that is there already (every command but remember and import). */
export async function withService<T>(
  output: CliOutput,
  options: { readonly store?: string; readonly model?: string; readonly recover?: boolean },
  how: { readonly existing: boolean; readonly signal?: AbortSignal },
  use: (client: ServiceClient, progress: ProgressPrinter) => Promise<T>,
): Promise<T> {
  const storeDir = storeDirOf(options.store);
  const client = await connect(output, how.existing ? requireStore(storeDir) : storeDir, modelDirOf(options.model), {
    recover: options.recover,
    signal: how.signal,
  });
  const progress = progressPrinter(output);
  try {
    return await use(client, progress);
  } finally {
    progress.done();
    await client.dispose();
  }
}
