import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { AI_ROUTES, aiSurfaceDocument } from './ai-surface';
import type { PromptDefinition } from './prompt-definition';
import { promptDocument } from './prompt-openapi';

const sentiment: PromptDefinition = {
  path: '/sentiment',
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Classify {{text}} ({{strict}}, {{limit}}, {{language}})' }],
  variables: [
    { name: 'text', type: 'string', required: true, maxLength: 4000, description: 'What to classify' },
    { name: 'strict', type: 'boolean', required: false },
    { name: 'limit', type: 'number', required: true, integer: true, minimum: 1, maximum: 5, default: 3 },
    { name: 'language', type: 'enum', required: true, values: ['en', 'fr'] },
  ],
  parameters: { temperature: 0 },
  responseFormat: 'json',
  outputSchema: { type: 'object', required: ['sentiment'], properties: { sentiment: { type: 'string', enum: ['positive', 'neutral', 'negative'] } } },
  title: 'Sentiment',
  description: 'Sentiment of a text',
};
const context = { apiName: 'Sentiment API', apiSlug: 'sentiment', version: 'v1', basePath: '/ai', auth: { methods: ['bearer', 'api_key'] as Array<'bearer' | 'api_key'>, requireEncryptedToken: false, scopes: ['ai:use'] } };

const valid = async (document: Record<string, unknown>) => {
  const result = await validate(structuredClone(document) as never, { resolve: { external: false } });
  return result.valid ? [] : result.errors.map((error) => error.message);
};

describe('generated OpenAPI documents', () => {
  it('describes a prompt API: the variables are the request body, the answer is { output, model, usage }', async () => {
    const document = promptDocument(sentiment, context) as any;
    expect(await valid(document)).toEqual([]);
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'Sentiment', version: 'v1' }, servers: [{ url: '/ai' }] });
    const operation = document.paths['/sentiment'].post;
    expect(operation.requestBody.content['application/json'].schema).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        text: { type: 'string', description: 'What to classify', maxLength: 4000 },
        strict: { type: 'boolean' },
        limit: { type: 'integer', minimum: 1, maximum: 5, default: 3 },
        language: { type: 'string', enum: ['en', 'fr'] },
      },
      required: ['text', 'language'],
    });
    const ok = operation.responses['200'].content['application/json'].schema;
    expect(ok.required).toEqual(['output', 'model', 'usage']);
    expect(ok.properties.output).toEqual(sentiment.outputSchema);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '429']));
    expect(document.security).toEqual([{ bearer: ['ai:use'] }, { apiKey: [] }]);
    expect(Object.keys(document.components.securitySchemes)).toEqual(['bearer', 'apiKey']);
  });

  it('answers text output as a string and leaves security out of a public prompt', async () => {
    const document = promptDocument({ ...sentiment, responseFormat: 'text', outputSchema: null }, { ...context, auth: { methods: [], requireEncryptedToken: false, scopes: [] } }) as any;
    expect(await valid(document)).toEqual([]);
    expect(document.paths['/sentiment'].post.responses['200'].content['application/json'].schema.properties.output).toEqual({ type: 'string' });
    expect(document.security).toBeUndefined();
    expect(document.paths['/sentiment'].post.responses['401']).toBeUndefined();
  });

  it('describes the OpenAI-compatible surface of an ai API, one operation per route', async () => {
    const document = aiSurfaceDocument({ ...context, basePath: '/' }) as any;
    expect(await valid(document)).toEqual([]);
    const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(AI_ROUTES.flatMap((route) => route.methods.map((method) => `${method} ${route.path}`)).sort());
  });
});
