import { z } from 'zod';

const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be an identifier (letters, digits, underscore)');
const common = { name, description: z.string().max(1000).optional(), required: z.boolean().default(true) };

export const promptVariableSchema = z.discriminatedUnion('type', [
  z.object({
    ...common,
    type: z.literal('string'),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().positive().max(1_000_000).optional(),
    default: z.string().optional(),
  }),
  z.object({
    ...common,
    type: z.literal('number'),
    integer: z.boolean().default(false),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    default: z.number().optional(),
  }),
  z.object({ ...common, type: z.literal('boolean'), default: z.boolean().optional() }),
  z.object({ ...common, type: z.literal('enum'), values: z.array(z.string().min(1)).min(1), default: z.string().optional() }),
]);
/** A typed variable of a prompt API. */
export type PromptVariable = z.infer<typeof promptVariableSchema>;

export const promptApiSchema = z.object({
  id: z.string().min(1).max(200),
  /** Path the gateway serves it at, e.g. `/ai/sentiment`. */
  path: z.string().regex(/^\/[A-Za-z0-9/_.-]*$/).max(500),
  title: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  version: z.string().max(50).default('1.0.0'),
  /** A catalog model id or policy name. */
  model: z.string().min(1),
  /** Template messages; `{{name}}` is replaced by the variable's value as plain text. */
  messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().min(1).max(200_000) })).min(1),
  variables: z.array(promptVariableSchema).default([]),
  parameters: z
    .object({
      temperature: z.number().min(0).max(2).optional(),
      top_p: z.number().min(0).max(1).optional(),
      max_tokens: z.number().int().positive().optional(),
      stop: z.array(z.string()).max(4).optional(),
    })
    .default({}),
  /** `json` asks the model for a JSON object and returns it parsed. */
  responseFormat: z.enum(['text', 'json']).default('text'),
  /** JSON Schema of the output when `responseFormat` is `json`; documented and sent as `json_schema`. */
  outputSchema: z.record(z.string(), z.unknown()).optional(),
});
/** A prompt API: a saved model, template, typed variables and parameters. */
export type PromptApiConfig = z.infer<typeof promptApiSchema>;
