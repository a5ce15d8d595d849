import { encodeEmbeddingBase64 } from '../../types/openai-embeddings';
import type { FixtureSet } from '../fake-fixtures';
import type { FakeAnswer, FakeRequest } from '../fake-server';

/** `chat-tool-call` while tools are offered and no tool result came back yet; else `chat`. */
export function chatFixture(offersTools: boolean, answeredTool: boolean): 'chat' | 'chat-tool-call' {
  return offersTools && !answeredTool ? 'chat-tool-call' : 'chat';
}

/** Stream fixture matching `chatFixture`. */
export function streamFixture(offersTools: boolean, answeredTool: boolean): 'stream' | 'stream-tool-call' {
  return offersTools && !answeredTool ? 'stream-tool-call' : 'stream';
}

/** The error fixture for a status, falling back to the nearest recorded one. */
export function errorFixture(fixtures: FixtureSet, status: number): unknown {
  for (const name of [`error-${status}`, status >= 500 ? 'error-500' : 'error-400']) {
    if (fixtures.has(`${name}.json`)) return fixtures.json(name);
  }
  return { error: { message: `HTTP ${status}` } };
}

/** A JSON answer. */
export function json(status: number, body: unknown): FakeAnswer {
  return { status, json: body };
}

/** The bearer token of a request, or null. */
export function bearer(request: FakeRequest): string | null {
  const header = request.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : null;
}

/**
 * OpenAI streams carry `"usage": null` on every chunk and a final usage chunk only when
 * `stream_options.include_usage` was asked; otherwise neither.
 */
export function openAiStreamEvents(events: string[], includeUsage: boolean): string[] {
  if (includeUsage) return events;
  return events.flatMap((event) => {
    const data = event.replace(/^data: /, '').trim();
    if (data === '[DONE]') return [event];
    const chunk = JSON.parse(data);
    if (Array.isArray(chunk.choices) && chunk.choices.length === 0 && chunk.usage) return [];
    delete chunk.usage;
    return [`data: ${JSON.stringify(chunk)}\n\n`];
  });
}

/** Vectors of an embeddings fixture, one per input (cycled), in the asked encoding. */
export function embeddingsFor(fixture: { data: Array<{ embedding: number[] }> }, count: number, base64: boolean) {
  return Array.from({ length: count }, (_, index) => {
    const values = fixture.data[index % fixture.data.length]!.embedding;
    return { object: 'embedding', index, embedding: base64 ? encodeEmbeddingBase64(values) : values };
  });
}

/** Checks a value is a plain object. */
export function isObject(value: unknown): value is Record<string, any> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
