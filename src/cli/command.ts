// The shape of one `mnemo` command, and the options every command takes.

import type { CliOutput } from './cliContext';
import type { OptionSpecs, ParsedArguments } from './commandLine';

export const COMMON_OPTIONS = {
  store: { kind: 'string', value: 'DIR', help: 'memory store directory (default $MNEMO_STORE, else ./.mnemo)' },
  model: { kind: 'string', value: 'DIR', help: 'model checkpoint directory (default $MNEMO_MODEL, else native/model)' },
  json: { kind: 'flag', help: 'print the result as one line of JSON' },
  help: { kind: 'flag', help: 'show this help' },
} as const satisfies OptionSpecs;

export type CommonOptions = typeof COMMON_OPTIONS;

/** Every command that opens a store takes it: damage found at open names it as the way out. */
export const RECOVER_OPTION = {
  kind: 'flag',
  help: 'open a damaged store by keeping every intact record (the damaged files are kept beside it)',
} as const;

/** A command's own options, plus the common ones it does not redefine (eval's --json takes a file). */
export type MergedOptions<S extends OptionSpecs> = Omit<CommonOptions, keyof S> & S;

export function mergedOptions(options: OptionSpecs): OptionSpecs {
  return { ...COMMON_OPTIONS, ...options };
}

export interface CommandRun<S extends OptionSpecs> {
  readonly args: ParsedArguments<MergedOptions<S>>;
  readonly output: CliOutput;
  /** Fires on Ctrl-C: the command cancels what it is waiting for. */
  readonly signal: AbortSignal;
}

export interface Command<S extends OptionSpecs = OptionSpecs> {
  /** One line for the command list. */
  readonly summary: string;
  /** Arguments after the command name, e.g. `"text" [--kind decision|convention|bug]`. */
  readonly usage: string;
  /** More lines for `mnemo help COMMAND`. */
  readonly details?: string;
  readonly options: S;
  /** Positional arguments: exactly this many (a number), or a range. */
  readonly positionals: number | { readonly min: number; readonly max: number };
  run(run: CommandRun<S>): Promise<void>;
}

/** Keeps each command's option types when it is put into the table. */
export function defineCommand<S extends OptionSpecs>(command: Command<S>): Command<S> {
  return command;
}
