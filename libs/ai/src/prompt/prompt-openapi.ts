import type { PromptApiConfig, PromptVariable } from './prompt-api.schema';

function variableSchema(variable: PromptVariable): Record<string, unknown> {
  const doc: Record<string, unknown> = variable.description ? { description: variable.description } : {};
  switch (variable.type) {
    case 'string':
      return { ...doc, type: 'string', ...pick(variable, ['minLength', 'maxLength', 'default']) };
    case 'number':
      return { ...doc, type: variable.integer ? 'integer' : 'number', ...pick(variable, ['minimum', 'maximum', 'default']) };
    case 'boolean':
      return { ...doc, type: 'boolean', ...pick(variable, ['default']) };
    case 'enum':
      return { ...doc, type: 'string', enum: variable.values, ...pick(variable, ['default']) };
  }
}

function pick<T extends object>(source: T, keys: Array<keyof T>): Partial<T> {
  return Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]])) as Partial<T>;
}

/** JSON Schema (2020-12) of a prompt API's request body. */
export function promptRequestSchema(api: PromptApiConfig): Record<string, unknown> {
  const required = api.variables.filter((variable) => variable.required && variable.default === undefined).map((variable) => variable.name);
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(api.variables.map((variable) => [variable.name, variableSchema(variable)])),
    ...(required.length ? { required } : {}),
  };
}

/** OpenAI's error body (`{"error": {message, type, param, code}}`), the shape every AI answer errors in. */
export const openAiErrorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'type'],
      properties: { message: { type: 'string' }, type: { type: 'string' }, param: { type: ['string', 'null'] }, code: { type: ['string', 'null'] } },
    },
  },
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/** The OpenAPI 3.1 document of a prompt API, generated from its variables and output format. */
export function promptOpenApi(api: PromptApiConfig): Record<string, unknown> {
  const output = api.responseFormat === 'json' ? (api.outputSchema ?? { type: 'object' }) : { type: 'string' };
  const hasRequired = api.variables.some((variable) => variable.required && variable.default === undefined);
  return {
    openapi: '3.1.0',
    info: { title: api.title ?? api.id, version: api.version, ...(api.description ? { description: api.description } : {}) },
    paths: {
      [api.path]: {
        post: {
          operationId: api.id.replace(/[^A-Za-z0-9_]/g, '_'),
          summary: api.title ?? `Invoke the ${api.id} prompt`,
          requestBody: { required: hasRequired, content: { 'application/json': { schema: promptRequestSchema(api) } } },
          responses: {
            '200': {
              description: 'The model output',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['output', 'model', 'usage'],
                    properties: { output, model: { type: 'string' }, usage: { $ref: '#/components/schemas/Usage' } },
                  },
                },
              },
            },
            '400': errorResponse('A variable is missing, unknown or of the wrong type'),
            '429': errorResponse('Rate limited'),
            '502': errorResponse('The model failed or returned an invalid output'),
            '503': errorResponse('No provider is available'),
          },
        },
      },
    },
    components: {
      schemas: {
        Usage: {
          type: 'object',
          required: ['prompt_tokens', 'completion_tokens', 'total_tokens'],
          properties: {
            prompt_tokens: { type: 'integer' },
            completion_tokens: { type: 'integer' },
            total_tokens: { type: 'integer' },
            cost_micros: { type: ['integer', 'null'], description: 'Micro-units of currency; null when the model has no price' },
            currency: { type: ['string', 'null'] },
          },
        },
        Error: openAiErrorSchema,
      },
    },
  };
}
