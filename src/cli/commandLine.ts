// Parsing one command's arguments against its declared options: `--name value`, `--name=value`,
// boolean `--flag`, positionals, `--` to end options. Unknown options, missing values and bad
// choices are UsageErrors that name the problem, so `mnemo` can print it with the command's usage.

export type OptionSpec =
  | { readonly kind: 'string'; readonly value: string; readonly help: string }
  | { readonly kind: 'number'; readonly value: string; readonly help: string; readonly integer?: boolean; readonly min?: number }
  | { readonly kind: 'choice'; readonly choices: readonly string[]; readonly help: string }
  | { readonly kind: 'flag'; readonly help: string };

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export type OptionValues<S extends OptionSpecs> = {
  readonly [K in keyof S]?: S[K] extends { kind: 'flag' } ? boolean : S[K] extends { kind: 'number' } ? number : string;
};

export interface ParsedArguments<S extends OptionSpecs> {
  readonly positionals: readonly string[];
  readonly options: OptionValues<S>;
}

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArguments<S extends OptionSpecs>(argv: readonly string[], specs: S, command?: string): ParsedArguments<S> {
  const positionals: string[] = [];
  const options: Record<string, string | number | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown option --${name}`, command);
    if (name in options) throw new UsageError(`--${name} is given twice`, command);
    if (spec.kind === 'flag') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`, command);
      options[name] = true;
      continue;
    }
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new UsageError(`--${name} needs a value`, command);
      raw = next;
      i++;
    }
    options[name] = convert(name, raw, spec, command);
  }
  return { positionals, options: options as OptionValues<S> };
}

function convert(name: string, raw: string, spec: Exclude<OptionSpec, { kind: 'flag' }>, command?: string): string | number {
  switch (spec.kind) {
    case 'string':
      if (raw === '') throw new UsageError(`--${name} needs a non-empty value`, command);
      return raw;
    case 'choice':
      if (!spec.choices.includes(raw)) throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')} (got "${raw}")`, command);
      return raw;
    case 'number': {
      const value = Number(raw);
      const integer = spec.integer ?? true;
      if (raw.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
        throw new UsageError(`--${name} must be ${integer ? 'a whole number' : 'a number'} (got "${raw}")`, command);
      }
      if (spec.min !== undefined && value < spec.min)
        throw new UsageError(`--${name} must be at least ${spec.min} (got ${value})`, command);
      return value;
    }
  }
}

/** The option lines of a usage text, aligned. */
export function describeOptions(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const value = spec.kind === 'flag' ? '' : spec.kind === 'choice' ? ` ${spec.choices.join('|')}` : ` ${spec.value}`;
    return [`--${name}${value}`, spec.help] as const;
  });
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`).join('\n');
}
