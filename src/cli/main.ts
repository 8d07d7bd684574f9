// `mnemo`: the memory service from a terminal. This file is the table of contents: the command
// table, help, and how failures become messages and exit codes (0 ok, 1 the operation failed,
// 2 the command was called wrongly, 130 interrupted). Started by bin/mnemo.js.

import { ServiceError } from '../service/serviceError';
import { CliOutput, packageVersion, processOutput } from './cliContext';
import { Command, mergedOptions } from './command';
import { describeOptions, parseArguments, UsageError } from './commandLine';
import { checkCommand } from './checkCommand';
import { evalCommand } from './evalCommand';
import { exportCommand, forgetCommand, importCommand, notesCommand, rememberCommand } from './memoryCommands';
import { askCommand, completeCommand } from './modelCommands';

export const COMMANDS: Readonly<Record<string, Command>> = {
  remember: rememberCommand as unknown as Command,
  ask: askCommand as unknown as Command,
  complete: completeCommand as unknown as Command,
  forget: forgetCommand as unknown as Command,
  notes: notesCommand as unknown as Command,
  export: exportCommand as unknown as Command,
  import: importCommand as unknown as Command,
  check: checkCommand as unknown as Command,
  eval: evalCommand as unknown as Command,
};

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export async function runCli(
  argv: readonly string[],
  output: CliOutput = processOutput,
  signal: AbortSignal = new AbortController().signal,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic && COMMANDS[topic]) output.out(commandHelp(topic));
    else output.out(overview());
    return topic && !COMMANDS[topic] ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version') {
    output.out(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    output.err(`mnemo: unknown command "${name}"\n\n${overview()}`);
    return EXIT.usage;
  }
  try {
    const args = parseArguments(rest, mergedOptions(command.options), name);
    if (args.options.help) {
      output.out(commandHelp(name));
      return EXIT.ok;
    }
    checkPositionals(name, command, args.positionals.length);
    await command.run({ args: args as never, output, signal });
    return EXIT.ok;
  } catch (error) {
    return report(error, name, output, signal);
  }
}

function checkPositionals(name: string, command: Command, count: number): void {
  const { min, max } =
    typeof command.positionals === 'number' ? { min: command.positionals, max: command.positionals } : command.positionals;
  if (count < min) throw new UsageError(`missing argument${min - count > 1 ? 's' : ''}`, name);
  if (count > max)
    throw new UsageError(
      max === 0 ? 'this command takes no arguments (quote text with spaces)' : `too many arguments (quote text with spaces)`,
      name,
    );
}

function report(error: unknown, name: string, output: CliOutput, signal: AbortSignal): number {
  if (signal.aborted) {
    output.err('\nmnemo: interrupted\n');
    return EXIT.interrupted;
  }
  if (error instanceof UsageError) {
    output.err(`mnemo ${name}: ${error.message}\nusage: mnemo ${name} ${COMMANDS[name]!.usage}\n(mnemo help ${name} for details)\n`);
    return EXIT.usage;
  }
  if (error instanceof ServiceError) {
    output.err(`mnemo ${name}: ${error.message}\n${error.hint ? `${error.hint}\n` : ''}`);
    if (error.code === 'secret-found') output.err('To store the note with the secret replaced by [redacted:...], add --redact.\n');
    if (error.error.code === 'internal' && error.error.stack && process.env.MNEMO_DEBUG) output.err(`${error.error.stack}\n`);
    return EXIT.failed;
  }
  const message = error instanceof Error ? error.message : String(error);
  const hint = (error as { hint?: unknown })?.hint;
  output.err(`mnemo ${name}: ${message}\n${typeof hint === 'string' && !message.includes(hint) ? `${hint}\n` : ''}`);
  if (process.env.MNEMO_DEBUG && error instanceof Error) output.err(`${error.stack}\n`);
  return EXIT.failed;
}

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map(n => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    "mnemo: a coding assistant's memory that learns, from a terminal.",
    '',
    'usage: mnemo COMMAND [arguments] [--store DIR] [--model DIR] [--json]',
    '',
    'commands:',
    ...lines,
    '',
    'Every command takes --store DIR (default $MNEMO_STORE, else ./.mnemo). `mnemo help COMMAND` for details.',
    '',
  ].join('\n');
}

function commandHelp(name: string): string {
  const command = COMMANDS[name]!;
  return [
    `mnemo ${name}: ${command.summary}`,
    '',
    `usage: mnemo ${name} ${command.usage}`,
    ...(command.details ? ['', command.details] : []),
    '',
    'options:',
    describeOptions({ ...command.options, ...mergedOptions(command.options) }),
    '',
  ].join('\n');
}

/** Runs the command line of this process; Ctrl-C cancels the running request (a second one quits). */
export function main(): void {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
  });
  runCli(process.argv.slice(2), processOutput, controller.signal).then(
    code => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`mnemo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}

if (require.main === module) main();
