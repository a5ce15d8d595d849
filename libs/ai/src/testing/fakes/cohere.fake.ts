import type { FakeAnswer, FakeRequest, FakeSpec } from '../fake-server';
import { bearer, chatFixture, errorFixture, isObject, json, streamFixture } from './fake-helpers';

const chatFields = new Set([
  'model', 'messages', 'tools', 'documents', 'citation_options', 'response_format', 'safety_mode', 'max_tokens', 'stop_sequences', 'temperature',
  'seed', 'frequency_penalty', 'presence_penalty', 'k', 'p', 'logprobs', 'tool_choice', 'strict_tools', 'stream', 'thinking',
]);

function invalid(message: string): FakeAnswer {
  return json(400, { id: 'a3c5e7f9-0000-4000-8000-000000000000', message: `invalid request: ${message}` });
}

/** Cohere's documented checks of a v2 chat body. */
export function validateCohere(body: any): FakeAnswer | null {
  if (!isObject(body)) return invalid('body must be a JSON object');
  for (const key of Object.keys(body)) if (!chatFields.has(key)) return invalid(`unknown field: parameter ${key} is not a valid field`);
  if (typeof body.model !== 'string') return invalid('model must be specified');
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid('messages must not be empty');
  if (body.p !== undefined && (body.p < 0.01 || body.p > 0.99)) return invalid('p must be between 0.01 and 0.99');
  if (body.temperature !== undefined && body.temperature < 0) return invalid('temperature must be non-negative');
  if (body.tool_choice !== undefined && !['REQUIRED', 'NONE'].includes(body.tool_choice)) return invalid("tool_choice must be one of 'REQUIRED', 'NONE'");
  const calls = new Set<string>();
  for (const [index, message] of body.messages.entries()) {
    if (!['system', 'user', 'assistant', 'tool'].includes(message.role)) return invalid(`messages[${index}].role must be one of system, user, assistant, tool`);
    for (const call of message.tool_calls ?? []) {
      if (typeof call.id !== 'string' || call.type !== 'function' || typeof call.function?.arguments !== 'string') {
        return invalid(`messages[${index}].tool_calls: each tool call needs an id, type "function" and string arguments`);
      }
      calls.add(call.id);
    }
    if (message.role === 'tool' && !calls.has(message.tool_call_id)) return invalid(`messages[${index}].tool_call_id does not match any tool call`);
    if (message.role === 'assistant' && message.content === undefined && !message.tool_calls?.length) return invalid(`messages[${index}]: assistant message must have content or tool calls`);
  }
  return null;
}

/** Cohere v2: bearer key, `/v2/chat`, `/v2/embed`. */
export const cohereFake: FakeSpec = {
  type: 'cohere',
  basePath: '',
  answer(request: FakeRequest, fixtures, options) {
    if (bearer(request) !== options.apiKey) return json(401, fixtures.json('error-401'));
    const body = request.body;
    if (request.path === '/v2/embed') {
      if (!Array.isArray(body?.texts) || body.texts.length > 96) return invalid('texts must be an array of at most 96 strings');
      if (!body.input_type) return invalid('input_type is required for Embed v3 models');
      const fixture = fixtures.json('embeddings');
      const vectors = body.texts.map((_: unknown, index: number) => fixture.embeddings.float[index % fixture.embeddings.float.length]);
      return json(200, { ...fixture, texts: body.texts, embeddings: { float: vectors } });
    }
    if (request.path !== '/v2/chat') return json(404, { message: 'not found' });
    const problem = validateCohere(body);
    if (problem) return problem;
    const offersTools = Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice !== 'NONE';
    const answered = body.messages[body.messages.length - 1].role === 'tool';
    if (body.stream === true) return { status: 200, events: fixtures.events(streamFixture(offersTools, answered)) };
    return json(200, fixtures.json(chatFixture(offersTools, answered)));
  },
  errorBody: (status, fixtures) => errorFixture(fixtures, status),
};
