import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

const COLOURS = [36, 35, 33, 32, 34, 91, 96, 95];

/** Whether to colour output: a terminal, unless NO_COLOR; FORCE_COLOR always. */
export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR) return false;
  return !!stream.isTTY;
}

/** `[name] ` padded to `width`, coloured by position when `colour`. */
export function prefix(name: string, index: number, width: number, colour: boolean): string {
  const label = `[${name}]`.padEnd(width + 2);
  return colour ? `\u001b[${COLOURS[index % COLOURS.length]}m${label}\u001b[0m ` : `${label} `;
}

/** Writes every line of `source` to `write`, prefixed. */
export function pipeLines(source: Readable, label: string, write: (line: string) => void): void {
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  lines.on('line', (line) => write(`${label}${line}`));
}
