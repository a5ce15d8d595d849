import type { FakeAnswer, FakeRequest, FakeSpec } from '../fake-server';
import { bearer, chatFixture, embeddingsFor, errorFixture, isObject, json, streamFixture } from './fake-helpers';

const chatFields = new Set([
  'model', 'messages', 'temperature', 'top_p', 'max_tokens', 'stream', 'stop', 'random_seed', 'response_format', 'tools', 'tool_choice',
  'presence_penalty', 'frequency_penalty', 'n', 'prediction', 'parallel_tool_calls', 'safe_prompt', 'prompt_mode',
]);
const embedFields = new Set(['model', 'input', 'output_dimension', 'output_dtype', 'encoding_format']);

function extraForbidden(field: string, input: unknown): FakeAnswer {
  return json(422, {
    object: 'error',
    message: { detail: [{ type: 'extra_forbidden', loc: ['body', field], msg: 'Extra inputs are not permitted', input }] },
    type: 'invalid_request_error',
    param: null,
    code: null,
  });
}

function invalid(message: string, code = '3051'): FakeAnswer {
  return json(400, { object: 'error', message, type: 'invalid_request_message_error', param: null, code });
}

function checkToolId(id: unknown): FakeAnswer | null {
  return typeof id === 'string' && /^[a-zA-Z0-9]{9}$/.test(id) ? null : invalid(`Tool call id was ${String(id)} but must be a-z, A-Z, 0-9, with a length of 9.`, '3280');
}

/** Mistral's documented checks of a chat body. */
export function validateMistral(body: any): FakeAnswer | null {
  if (!isObject(body)) return invalid('Invalid JSON body');
  for (const key of Object.keys(body)) if (!chatFields.has(key)) return extraForbidden(key, body[key]);
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid('messages: at least one message is required');
  if (body.n != null && body.n > 1) return invalid('n > 1 is not supported for this model');
  for (const message of body.messages) {
    if (!['system', 'user', 'assistant', 'tool'].includes(message.role)) return extraForbidden('role', message.role);
    for (const call of message.tool_calls ?? []) {
      const problem = checkToolId(call.id);
      if (problem) return problem;
    }
    if (message.role === 'tool') {
      const problem = checkToolId(message.tool_call_id);
      if (problem) return problem;
    }
  }
  const last = body.messages[body.messages.length - 1];
  if (last.role !== 'user' && last.role !== 'tool' && !(last.role === 'assistant' && last.prefix)) {
    return invalid(`Expected last role User or Tool (or Assistant with prefix True) for serving but got ${last.role}`, '3230');
  }
  if (body.tool_choice !== undefined && typeof body.tool_choice === 'string' && !['auto', 'none', 'any', 'required'].includes(body.tool_choice)) {
    return invalid(`Invalid tool_choice: ${body.tool_choice}`);
  }
  return null;
}

/** Mistral: bearer key, `/v1/chat/completions`, `/v1/embeddings`; usage always closes a stream. */
export const mistralFake: FakeSpec = {
  type: 'mistral',
  basePath: '/v1',
  answer(request: FakeRequest, fixtures, options) {
    if (bearer(request) !== options.apiKey) return json(401, fixtures.json('error-401'));
    const body = request.body;
    if (request.path === '/v1/embeddings') {
      if (!isObject(body)) return invalid('Invalid JSON body');
      for (const key of Object.keys(body)) if (!embedFields.has(key)) return extraForbidden(key, body[key]);
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      const fixture = fixtures.json('embeddings');
      return json(200, { ...fixture, data: embeddingsFor(fixture, inputs.length, body.encoding_format === 'base64') });
    }
    if (request.path !== '/v1/chat/completions') return json(404, { detail: 'Not Found' });
    const problem = validateMistral(body);
    if (problem) return problem;
    const offersTools = Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice !== 'none';
    const answered = body.messages[body.messages.length - 1].role === 'tool';
    if (body.stream === true) return { status: 200, events: fixtures.events(streamFixture(offersTools, answered)) };
    return json(200, fixtures.json(chatFixture(offersTools, answered)));
  },
  errorBody: (status, fixtures) => errorFixture(fixtures, status),
};
