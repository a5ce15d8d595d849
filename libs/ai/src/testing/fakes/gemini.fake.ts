import type { FakeAnswer, FakeRequest, FakeSpec } from '../fake-server';
import { chatFixture, errorFixture, isObject, json, streamFixture } from './fake-helpers';

function invalid(message: string): FakeAnswer {
  return json(400, { error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
}

const topLevel = new Set(['contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig', 'safetySettings', 'cachedContent']);
const generation = new Set([
  'stopSequences', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'candidateCount', 'maxOutputTokens', 'temperature', 'topP', 'topK',
  'seed', 'presencePenalty', 'frequencyPenalty', 'responseLogprobs', 'logprobs', 'thinkingConfig',
]);
const partKinds = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse'];
const schemaKeys = new Set(['type', 'format', 'title', 'description', 'nullable', 'enum', 'maxItems', 'minItems', 'properties', 'required', 'minProperties', 'maxProperties', 'minLength', 'maxLength', 'pattern', 'example', 'anyOf', 'propertyOrdering', 'default', 'items', 'minimum', 'maximum']);

function unknownName(name: string, at: string): FakeAnswer {
  return invalid(`Invalid JSON payload received. Unknown name "${name}" at '${at}': Cannot find field.`);
}

function checkSchema(schema: any, at: string): FakeAnswer | null {
  if (!isObject(schema)) return null;
  for (const [key, value] of Object.entries(schema)) {
    if (!schemaKeys.has(key)) return unknownName(key, at);
    if (key === 'properties' && isObject(value)) {
      for (const [name, sub] of Object.entries(value)) {
        const problem = checkSchema(sub, `${at}.properties[${name}].value`);
        if (problem) return problem;
      }
    }
    if (key === 'items') {
      const problem = checkSchema(value, `${at}.items`);
      if (problem) return problem;
    }
  }
  return null;
}

/** Gemini's documented checks of a `generateContent` body. */
export function validateGemini(body: any): FakeAnswer | null {
  if (!isObject(body)) return invalid('Invalid JSON payload received.');
  for (const key of Object.keys(body)) if (!topLevel.has(key)) return unknownName(key, '');
  for (const key of Object.keys(body.generationConfig ?? {})) if (!generation.has(key)) return unknownName(key, 'generation_config');
  const temperature = body.generationConfig?.temperature;
  if (temperature !== undefined && (temperature < 0 || temperature > 2)) return invalid('* GenerateContentRequest.generation_config.temperature: must be in [0.0, 2.0]');
  if (!Array.isArray(body.contents) || body.contents.length === 0) return invalid('* GenerateContentRequest.contents: contents is not specified');
  let previousCalls: string[] = [];
  for (const [index, content] of body.contents.entries()) {
    if (content.role !== 'user' && content.role !== 'model') return invalid(`Please use a valid role: user, model.`);
    if (!Array.isArray(content.parts) || content.parts.length === 0) return invalid(`* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.`);
    for (const [at, part] of content.parts.entries()) {
      const kinds = partKinds.filter((kind) => part[kind] !== undefined);
      if (kinds.length !== 1) return invalid(`* GenerateContentRequest.contents[${index}].parts[${at}].data: required oneof field 'data' must have one initialized field`);
      if (part.functionResponse && !previousCalls.includes(part.functionResponse.name)) {
        return invalid('Please ensure that function response turn comes immediately after a function call turn.');
      }
      if (part.functionResponse && !isObject(part.functionResponse.response)) return invalid(`Invalid value at 'contents[${index}].parts[${at}].function_response.response' (type.googleapis.com/google.protobuf.Struct)`);
      if (part.functionCall && !isObject(part.functionCall.args ?? {})) return invalid(`Invalid value at 'contents[${index}].parts[${at}].function_call.args'`);
    }
    const responses = content.parts.filter((part: any) => part.functionResponse).length;
    if (previousCalls.length > 0 && responses !== previousCalls.length) {
      return invalid('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
    }
    previousCalls = content.role === 'model' ? content.parts.filter((part: any) => part.functionCall).map((part: any) => part.functionCall.name) : [];
  }
  for (const [index, tool] of (body.tools ?? []).entries()) {
    for (const [at, declaration] of (tool.functionDeclarations ?? []).entries()) {
      const problem = checkSchema(declaration.parameters, `tools[${index}].function_declarations[${at}].parameters`);
      if (problem) return problem;
    }
  }
  return null;
}

/** Gemini API: `x-goog-api-key`, `/v1beta/models/{model}:{method}`. */
export const geminiFake: FakeSpec = {
  type: 'gemini',
  basePath: '/v1beta',
  answer(request: FakeRequest, fixtures, options) {
    const match = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents)$/.exec(request.path);
    if (!match) return json(404, { error: { code: 404, message: 'Not found', status: 'NOT_FOUND' } });
    const key = request.headers['x-goog-api-key'];
    if (!key) return json(403, fixtures.json('error-403'));
    if (key !== options.apiKey) return json(400, fixtures.json('error-401'));
    const [, model, method] = match;
    const body = request.body;
    if (method === 'batchEmbedContents') {
      if (!Array.isArray(body?.requests) || body.requests.length === 0) return invalid('* BatchEmbedContentsRequest.requests: requests is not specified');
      if (body.requests.some((item: any) => item.model !== `models/${model}`)) return invalid(`Model names should match the model in the URL: models/${model}`);
      const vectors = fixtures.json('embeddings').embeddings;
      return json(200, { embeddings: body.requests.map((_: unknown, index: number) => vectors[index % vectors.length]) });
    }
    if (method === 'streamGenerateContent' && request.query.get('alt') !== 'sse') return invalid('This fake only streams with alt=sse');
    const problem = validateGemini(body);
    if (problem) return problem;
    const offersTools = Array.isArray(body.tools) && body.tools.length > 0 && body.toolConfig?.functionCallingConfig?.mode !== 'NONE';
    const last = body.contents[body.contents.length - 1];
    const answered = last.parts.some((part: any) => part.functionResponse);
    if (method === 'streamGenerateContent') return { status: 200, events: fixtures.events(streamFixture(offersTools, answered)) };
    return json(200, fixtures.json(chatFixture(offersTools, answered)));
  },
  errorBody: (status, fixtures) => errorFixture(fixtures, status),
};
