import { openAiErrorSchema } from '@gatehouse/ai';
import type { HttpMethod } from '@gatehouse/contracts';
import { authResponses, gatewaySecurity, type SurfaceContext, serversOf } from './prompt-openapi';

/** The routes of every `ai` version, under its base path. */
export const AI_ROUTES: ReadonlyArray<{ path: string; methods: HttpMethod[] }> = [
  { path: '/v1/chat/completions', methods: ['POST'] },
  { path: '/v1/embeddings', methods: ['POST'] },
  { path: '/v1/models', methods: ['GET'] },
  { path: '/v1/models/{model}', methods: ['GET'] },
];

const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errors = {
  '400': { description: 'Malformed request, unknown model or a prompt over the context window', content: json(ref('Error')) },
  '429': { description: 'Rate limit or quota of the subscription, or of the provider', content: json(ref('Error')) },
  '502': { description: 'The provider failed', content: json(ref('Error')) },
  '503': { description: 'No provider is available', content: json(ref('Error')) },
};

const schemas = {
  Message: {
    type: 'object',
    required: ['role'],
    properties: {
      role: { type: 'string', enum: ['system', 'developer', 'user', 'assistant', 'tool'] },
      content: { description: 'Text, or an array of content parts (text, image_url)', oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object' } }, { type: 'null' }] },
      name: { type: 'string' },
      tool_calls: { type: 'array', items: { type: 'object' } },
      tool_call_id: { type: 'string' },
    },
  },
  ChatCompletionRequest: {
    type: 'object',
    required: ['model', 'messages'],
    properties: {
      model: { type: 'string', description: 'A model name or a routing policy name of the catalog (see GET /v1/models)' },
      messages: { type: 'array', minItems: 1, items: ref('Message') },
      stream: { type: 'boolean' },
      stream_options: { type: 'object', properties: { include_usage: { type: 'boolean' } } },
      temperature: { type: 'number', minimum: 0, maximum: 2 },
      top_p: { type: 'number', minimum: 0, maximum: 1 },
      max_tokens: { type: 'integer', minimum: 1 },
      max_completion_tokens: { type: 'integer', minimum: 1 },
      stop: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 4 }] },
      tools: { type: 'array', items: { type: 'object' } },
      tool_choice: { oneOf: [{ type: 'string', enum: ['none', 'auto', 'required'] }, { type: 'object' }] },
      response_format: { type: 'object' },
    },
  },
  ChatCompletion: {
    type: 'object',
    required: ['id', 'object', 'created', 'model', 'choices'],
    properties: {
      id: { type: 'string' },
      object: { type: 'string', const: 'chat.completion' },
      created: { type: 'integer' },
      model: { type: 'string' },
      choices: {
        type: 'array',
        items: {
          type: 'object',
          properties: { index: { type: 'integer' }, message: ref('Message'), finish_reason: { type: ['string', 'null'], enum: ['stop', 'length', 'tool_calls', 'content_filter', null] } },
        },
      },
      usage: ref('Usage'),
    },
  },
  EmbeddingRequest: {
    type: 'object',
    required: ['model', 'input'],
    properties: {
      model: { type: 'string' },
      input: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }, { type: 'array', items: { type: 'integer' } }, { type: 'array', items: { type: 'array', items: { type: 'integer' } } }] },
      encoding_format: { type: 'string', enum: ['float', 'base64'] },
      dimensions: { type: 'integer', minimum: 1 },
    },
  },
  EmbeddingList: {
    type: 'object',
    required: ['object', 'data', 'model'],
    properties: {
      object: { type: 'string', const: 'list' },
      data: {
        type: 'array',
        items: { type: 'object', properties: { object: { type: 'string', const: 'embedding' }, index: { type: 'integer' }, embedding: { oneOf: [{ type: 'array', items: { type: 'number' } }, { type: 'string' }] } } },
      },
      model: { type: 'string' },
      usage: ref('Usage'),
    },
  },
  Model: {
    type: 'object',
    required: ['id', 'object', 'owned_by'],
    properties: { id: { type: 'string' }, object: { type: 'string', const: 'model' }, created: { type: 'integer' }, owned_by: { type: 'string' } },
  },
  ModelList: { type: 'object', required: ['object', 'data'], properties: { object: { type: 'string', const: 'list' }, data: { type: 'array', items: ref('Model') } } },
  Usage: {
    type: 'object',
    properties: {
      prompt_tokens: { type: 'integer' },
      completion_tokens: { type: 'integer' },
      total_tokens: { type: 'integer' },
      prompt_tokens_details: { type: 'object', properties: { cached_tokens: { type: 'integer' } } },
    },
  },
  Error: openAiErrorSchema,
};

/** The OpenAPI 3.1 document of an `ai` version: OpenAI's chat completions, embeddings and models, as the gateway serves them. */
export function aiSurfaceDocument(context: SurfaceContext): Record<string, unknown> {
  const { schemes, security } = gatewaySecurity(context.auth);
  const responses = (ok: Record<string, unknown>) => ({ ...ok, ...errors, ...(security.length ? authResponses : {}) });
  return {
    openapi: '3.1.0',
    info: { title: context.apiName, version: context.version, description: 'OpenAI-compatible API over the AI providers of the catalog' },
    servers: serversOf(context.basePath),
    paths: {
      '/v1/chat/completions': {
        post: {
          operationId: 'createChatCompletion',
          summary: 'Chat completion, JSON or streamed as server-sent events',
          requestBody: { required: true, content: json(ref('ChatCompletionRequest')) },
          responses: responses({
            '200': { description: 'The completion (JSON), or its chunks (stream: true)', content: { ...json(ref('ChatCompletion')), 'text/event-stream': { schema: { type: 'string' } } } },
          }),
        },
      },
      '/v1/embeddings': {
        post: {
          operationId: 'createEmbedding',
          summary: 'Embeddings of one or several inputs',
          requestBody: { required: true, content: json(ref('EmbeddingRequest')) },
          responses: responses({ '200': { description: 'The embeddings', content: json(ref('EmbeddingList')) } }),
        },
      },
      '/v1/models': {
        get: { operationId: 'listModels', summary: 'Models and routing policies the API serves', responses: responses({ '200': { description: 'The models', content: json(ref('ModelList')) } }) },
      },
      '/v1/models/{model}': {
        get: {
          operationId: 'retrieveModel',
          summary: 'One model',
          parameters: [{ name: 'model', in: 'path', required: true, schema: { type: 'string' } }],
          responses: responses({ '200': { description: 'The model', content: json(ref('Model')) }, '404': { description: 'Unknown model', content: json(ref('Error')) } }),
        },
      },
    },
    components: { schemas, ...(security.length ? { securitySchemes: schemes } : {}) },
    ...(security.length ? { security } : {}),
  };
}
