import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** `libs/ai/fixtures`, from the sources or from their build under dist/. */
export function fixturesRoot(): string {
  const candidates = [resolve(__dirname, '../../fixtures'), resolve(__dirname, '../../../../../libs/ai/fixtures'), resolve(process.cwd(), 'libs/ai/fixtures')];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'openai')));
  if (!found) throw new Error(`AI fixtures not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** The recorded answers of one provider. */
export class FixtureSet {
  private readonly cache = new Map<string, string>();

  constructor(private readonly dir: string) {}

  has(name: string): boolean {
    return existsSync(join(this.dir, name));
  }

  private text(name: string): string {
    let text = this.cache.get(name);
    if (text === undefined) {
      text = readFileSync(join(this.dir, name), 'utf8');
      this.cache.set(name, text);
    }
    return text;
  }

  /** A fresh copy of a JSON fixture (`chat`, `error-429`...). */
  json<T = any>(name: string): T {
    return JSON.parse(this.text(`${name}.json`)) as T;
  }

  /** The events of an SSE fixture, each with its terminating blank line, as recorded. */
  events(name: string): string[] {
    return this.text(`${name}.sse`)
      .split(/\n\n/)
      .filter((event) => event.trim() !== '')
      .map((event) => `${event}\n\n`);
  }
}
