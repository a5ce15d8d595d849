import type { FakeAnswer, FakeRequest, FakeSpec } from '../fake-server';
import { chatFixture, errorFixture, isObject, json, streamFixture } from './fake-helpers';

function invalid(message: string): FakeAnswer {
  return json(400, { type: 'error', error: { type: 'invalid_request_error', message } });
}

const fields = new Set(['model', 'messages', 'max_tokens', 'system', 'stop_sequences', 'temperature', 'top_p', 'top_k', 'tools', 'tool_choice', 'metadata', 'stream', 'thinking', 'service_tier']);
const mediaTypes = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

function blocksOf(content: unknown): any[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : [];
}

function checkBlock(block: any, where: string, role: string, previousToolUses: Set<string>): string | null {
  switch (block?.type) {
    case 'text':
      return typeof block.text === 'string' && block.text.length > 0 ? null : `${where}: text content blocks must be non-empty`;
    case 'image':
      if (role !== 'user') return `${where}: image blocks are only allowed in user messages`;
      if (block.source?.type === 'base64') return mediaTypes.has(block.source.media_type) ? null : `${where}.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
      return block.source?.type === 'url' && typeof block.source.url === 'string' ? null : `${where}.source: Field required`;
    case 'tool_use':
      if (role !== 'assistant') return `${where}: tool_use blocks are only allowed in assistant messages`;
      return typeof block.id === 'string' && typeof block.name === 'string' && isObject(block.input) ? null : `${where}.input: Input should be a valid dictionary`;
    case 'tool_result':
      if (role !== 'user') return `${where}: tool_result blocks are only allowed in user messages`;
      return previousToolUses.has(block.tool_use_id)
        ? null
        : `${where}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
    default:
      return `${where}.type: Input tag '${block?.type}' found using 'type' does not match any of the expected tags`;
  }
}

/** Anthropic's documented checks of a Messages request. */
export function validateAnthropic(body: any): FakeAnswer | null {
  if (!isObject(body)) return invalid('The request body is not valid JSON.');
  for (const key of Object.keys(body)) if (!fields.has(key)) return invalid(`${key}: Extra inputs are not permitted`);
  if (typeof body.model !== 'string') return invalid('model: Field required');
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return invalid('max_tokens: Field required');
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid('messages: at least one message is required');
  if (body.temperature !== undefined && (body.temperature < 0 || body.temperature > 1)) return invalid('temperature: Input should be less than or equal to 1');
  if (body.stop_sequences !== undefined && (!Array.isArray(body.stop_sequences) || body.stop_sequences.some((stop: unknown) => typeof stop !== 'string'))) {
    return invalid('stop_sequences: Input should be a valid list of strings');
  }
  if (body.system !== undefined && typeof body.system !== 'string' && !Array.isArray(body.system)) return invalid('system: Input should be a valid string');
  for (const [index, tool] of (body.tools ?? []).entries()) {
    if (typeof tool.name !== 'string' || !isObject(tool.input_schema)) return invalid(`tools.${index}.input_schema: Field required`);
  }
  if (body.tool_choice !== undefined && !['auto', 'any', 'tool', 'none'].includes(body.tool_choice.type)) return invalid('tool_choice.type: Input should be auto, any, tool or none');
  let previousRole: string | null = null;
  let previousToolUses = new Set<string>();
  let usesTools = false;
  for (const [index, message] of body.messages.entries()) {
    if (message.role !== 'user' && message.role !== 'assistant') {
      return invalid(`messages.${index}.role: Unexpected role "${message.role}". The Messages API accepts a top-level \`system\` parameter, not "system" as an input message role.`);
    }
    if (message.role === previousRole) return invalid(`messages: roles must alternate between "user" and "assistant", but found multiple "${message.role}" roles in a row`);
    const blocks = blocksOf(message.content);
    if (blocks.length === 0) return invalid(`messages.${index}: all messages must have non-empty content`);
    const answered = new Set<string>();
    for (const [at, block] of blocks.entries()) {
      const problem = checkBlock(block, `messages.${index}.content.${at}`, message.role, previousToolUses);
      if (problem) return invalid(problem);
      if (block.type === 'tool_result') answered.add(block.tool_use_id);
      if (block.type === 'tool_use' || block.type === 'tool_result') usesTools = true;
    }
    const missing = [...previousToolUses].filter((id) => !answered.has(id));
    if (message.role === 'user' && missing.length > 0) {
      return invalid(`messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}`);
    }
    previousToolUses = new Set(message.role === 'assistant' ? blocks.filter((block) => block.type === 'tool_use').map((block) => block.id) : []);
    previousRole = message.role;
  }
  if (usesTools && !body.tools?.length) return invalid('Requests which include `tool_use` or `tool_result` blocks must define tools.');
  return null;
}

/** Anthropic Messages API: `x-api-key`, `anthropic-version`, `/v1/messages`. */
export const anthropicFake: FakeSpec = {
  type: 'anthropic',
  basePath: '',
  answer(request: FakeRequest, fixtures, options) {
    if (request.path !== '/v1/messages') return json(404, { type: 'error', error: { type: 'not_found_error', message: 'Not Found' } });
    if (request.headers['x-api-key'] !== options.apiKey) return json(401, fixtures.json('error-401'));
    if (!request.headers['anthropic-version']) return invalid('anthropic-version: header is required');
    const problem = validateAnthropic(request.body);
    if (problem) return problem;
    const body = request.body;
    const last = body.messages[body.messages.length - 1];
    const answered = blocksOf(last.content).some((block) => block.type === 'tool_result');
    const offersTools = Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice?.type !== 'none';
    if (body.stream === true) return { status: 200, events: fixtures.events(streamFixture(offersTools, answered)) };
    return json(200, fixtures.json(chatFixture(offersTools, answered)));
  },
  errorBody: (status, fixtures) => errorFixture(fixtures, status),
};
