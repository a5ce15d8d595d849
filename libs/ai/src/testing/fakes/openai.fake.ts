import type { FakeAnswer, FakeRequest, FakeSpec } from '../fake-server';
import type { FixtureSet } from '../fake-fixtures';
import { bearer, chatFixture, embeddingsFor, errorFixture, isObject, json, openAiStreamEvents, streamFixture } from './fake-helpers';

function invalid(message: string, param: string | null = null, code: string | null = null): FakeAnswer {
  return json(400, { error: { message, type: 'invalid_request_error', param, code } });
}

const roles = ['system', 'developer', 'user', 'assistant', 'tool'];

/** OpenAI's documented checks of a chat completion body. */
export function validateOpenAiChat(body: any, allowedRoles = roles): FakeAnswer | null {
  if (!isObject(body)) return invalid('We could not parse the JSON body of your request.');
  if (typeof body.model !== 'string') return invalid('you must provide a model parameter', 'model');
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid("Invalid 'messages': empty array. Expected an array with minimum length 1.", 'messages', 'empty_array');
  const pending = new Set<string>();
  for (const [index, message] of body.messages.entries()) {
    if (!allowedRoles.includes(message.role)) {
      return invalid(`Invalid value: '${message.role}'. Supported values are: ${allowedRoles.map((role) => `'${role}'`).join(', ')}.`, `messages[${index}].role`, 'invalid_value');
    }
    if (message.role === 'tool') {
      if (!pending.delete(message.tool_call_id)) {
        return invalid("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", `messages.[${index}].role`);
      }
    } else if (pending.size > 0) {
      return invalid(`An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pending].join(', ')}`, 'messages');
    }
    for (const call of message.tool_calls ?? []) {
      if (typeof call.function?.arguments !== 'string') return invalid('tool call arguments must be a string', `messages[${index}].tool_calls`);
      pending.add(call.id);
    }
  }
  if (body.stream_options != null && body.stream !== true) return invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options');
  if (body.temperature != null && (body.temperature < 0 || body.temperature > 2)) return invalid('temperature must be between 0 and 2', 'temperature', 'decimal_above_max_value');
  return null;
}

/** Answer of an OpenAI-shaped chat endpoint from the fixtures. */
export function openAiChatAnswer(body: any, fixtures: FixtureSet): FakeAnswer {
  const offersTools = Array.isArray(body.tools) && body.tools.length > 0;
  const answered = body.messages[body.messages.length - 1]?.role === 'tool';
  if (body.stream === true) return { status: 200, events: openAiStreamEvents(fixtures.events(streamFixture(offersTools, answered)), body.stream_options?.include_usage === true) };
  return json(200, fixtures.json(chatFixture(offersTools, answered)));
}

/** Answer of an OpenAI-shaped embeddings endpoint. */
export function openAiEmbeddingsAnswer(body: any, fixtures: FixtureSet): FakeAnswer {
  if (!isObject(body) || body.input === undefined) return invalid("'input' is a required property", 'input');
  const count = Array.isArray(body.input) && (typeof body.input[0] === 'string' || Array.isArray(body.input[0])) ? body.input.length : 1;
  const fixture = fixtures.json('embeddings');
  return json(200, { ...fixture, data: embeddingsFor(fixture, count, body.encoding_format === 'base64') });
}

/** OpenAI: bearer key, `/v1/chat/completions` and `/v1/embeddings`. */
export const openAiFake: FakeSpec = {
  type: 'openai',
  basePath: '/v1',
  answer(request: FakeRequest, fixtures, options) {
    if (bearer(request) !== options.apiKey) return json(401, fixtures.json('error-401'));
    if (request.path === '/v1/chat/completions') return validateOpenAiChat(request.body) ?? openAiChatAnswer(request.body, fixtures);
    if (request.path === '/v1/embeddings') {
      if (typeof request.body?.model !== 'string') return invalid('you must provide a model parameter', 'model');
      return openAiEmbeddingsAnswer(request.body, fixtures);
    }
    return json(404, { error: { message: `Invalid URL (${request.method} ${request.path})`, type: 'invalid_request_error', param: null, code: null } });
  },
  errorBody: (status, fixtures) => errorFixture(fixtures, status),
};

/** An OpenAI-compatible server (Ollama's `/v1`): no key needed, no `developer` role. */
export const openAiCompatibleFake: FakeSpec = {
  type: 'openai-compatible',
  basePath: '/v1',
  answer(request, fixtures) {
    if (request.path === '/v1/chat/completions') {
      return validateOpenAiChat(request.body, ['system', 'user', 'assistant', 'tool']) ?? openAiChatAnswer(request.body, fixtures);
    }
    if (request.path === '/v1/embeddings') return openAiEmbeddingsAnswer(request.body, fixtures);
    return json(404, { error: { message: '404 page not found', type: 'invalid_request_error', param: null, code: null } });
  },
  errorBody: (status, fixtures) => errorFixture(fixtures, status),
};

/** Azure OpenAI: `api-key` header, deployment path, `api-version` query. */
export const azureOpenAiFake: FakeSpec = {
  type: 'azure-openai',
  basePath: '',
  answer(request, fixtures, options) {
    const match = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(request.path);
    if (!match || !request.query.get('api-version')) return json(404, { error: { code: '404', message: 'Resource not found' } });
    if (request.headers['api-key'] !== options.apiKey) return json(401, fixtures.json('error-401'));
    if (match[2] === 'embeddings') return openAiEmbeddingsAnswer(request.body, fixtures);
    const body = request.body;
    const problem = validateOpenAiChat({ model: 'deployment', ...body });
    return problem ?? openAiChatAnswer(body, fixtures);
  },
  errorBody: (status, fixtures) => errorFixture(fixtures, status),
};
