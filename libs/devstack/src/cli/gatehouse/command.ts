import type { ParseArgsConfig } from 'node:util';
import { type CliContext, UsageError } from './cli-context';

export type OptionValues = Record<string, string | boolean | undefined>;

/** One CLI command: `gatehouse <name> [flags]`. */
export interface Command {
  /** `api create`, `login`… */
  readonly name: string;
  readonly summary: string;
  /** The flags line of the help, e.g. `--team ID --name NAME`. */
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Positional arguments the command takes (shown in the help). */
  readonly positionals?: readonly string[];
  /** What the command prints on stdout, for the help. */
  readonly prints?: string;
  run(context: CliContext, values: OptionValues, positionals: string[]): Promise<void>;
}

/** The value of a string flag the command cannot do without. */
export function required(values: OptionValues, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** The value of an optional string flag. */
export function optional(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Prints `value` as JSON on stdout when `--json` was given, else `plain`. */
export function emit(context: CliContext, values: OptionValues, plain: string, value: unknown): void {
  context.io.out(values.json ? JSON.stringify(value, null, 2) : plain);
}

export const jsonOption = { json: { type: 'boolean' as const, default: false } };
