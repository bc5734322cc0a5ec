/**
 * @module The admin scripts' command lines: `node:util` parseArgs in strict mode (an unknown or
 * mistyped flag is an error, never a quiet default), a real --help, and one clear line instead of a
 * stack trace. Exit status: 2 for a command line that cannot be right, 1 for anything else that failed.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

/** A command line that cannot be right (exit 2). */
export class UsageError extends Error {}

export function fail(message: string): never {
  throw new UsageError(message);
}

/** The closest known flag to a mistyped one, if it is close enough to be what was meant. */
function closest(word: string, known: string[]): string | undefined {
  const distance = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const saved = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = saved;
      }
    }
    return row[b.length]!;
  };
  const [best] = known.map((k) => [k, distance(word, k)] as const).sort((a, b) => a[1] - b[1]);
  return best && best[1] <= Math.max(2, Math.floor(word.length / 3)) ? best[0] : undefined;
}

/** parseArgs' message in one line an administrator reads, with the flag they probably meant. */
function explain(error: Error & { code?: string }, options: Options): string {
  const flag = /'(--?[^'\s]+)/.exec(error.message)?.[1] ?? '';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const guess = closest(flag.replace(/^-+/, ''), Object.keys(options));
    return `unknown flag ${flag}${guess ? ` (did you mean --${guess}?)` : ''}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return /argument missing|ambiguous/.test(error.message) ? `${flag} needs a value` : `${flag} takes no value`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ''}`;
  return error.message.split('\n')[0]!;
}

/**
 * Parses `args` strictly against `options` (plus --help, which prints `help` and exits 0 before
 * anything runs). Throws a UsageError naming the flag for anything it does not know.
 */
export function parseCommandLine(
  args: string[],
  options: Options,
  help: string,
  opts: { positionals?: boolean } = {},
): { values: Values; positionals: string[] } {
  const all: Options = { ...options, help: { type: 'boolean', short: 'h' } };
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: all, strict: true, allowPositionals: opts.positionals ?? false }) as typeof parsed;
  } catch (error) {
    throw new UsageError(`${explain(error as Error, all)}; see --help`);
  }
  if (parsed.values.help) {
    console.log(help.trim());
    process.exit(0);
  }
  return parsed;
}

/** Reads a string option's value (undefined when not given). */
export const text = (values: Values, name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);

/** A string option that must be given. */
export function need(values: Values, name: string): string {
  const v = text(values, name);
  if (v === undefined || v === '') fail(`missing --${name}`);
  return v;
}

/**
 * Runs a script's main and ends the process with one line per failure: the message and what caused
 * it, never a stack. Its result (or process.exitCode) is the exit status.
 */
export async function runMain(name: string, main: () => Promise<number | void>): Promise<never> {
  try {
    const code = await main();
    process.exit(code ?? (typeof process.exitCode === 'number' ? process.exitCode : 0));
  } catch (e) {
    const error = e as Error & { cause?: unknown };
    const cause = error.cause instanceof Error ? ` (${error.cause.message.split('\n')[0]})` : '';
    console.error(`${name}: ${error.message ?? String(error)}${cause}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}
