import { aiModelNameSchema, promptMessageSchema, promptParametersSchema } from '@gatehouse/contracts';
import { z } from 'zod';
import { versionFields, versionLabelSchema } from '../../../versions/dto/version.dto';
import { PROMPT_PATH } from '../prompt-definition';

const variableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'an identifier: a letter or _, then letters, digits or _ (at most 64)');
const common = {
  name: variableName,
  description: z.string().max(1000).optional(),
  required: z.boolean().default(true).describe('A required variable without default must be sent'),
};

export const promptVariableInputSchema = z.discriminatedUnion('type', [
  z
    .object({
      ...common,
      type: z.literal('string'),
      minLength: z.number().int().min(0).max(1_000_000).optional(),
      maxLength: z.number().int().positive().max(1_000_000).optional(),
      default: z.string().max(1_000_000).optional(),
    })
    .strict(),
  z
    .object({
      ...common,
      type: z.literal('number'),
      integer: z.boolean().default(false),
      minimum: z.number().optional(),
      maximum: z.number().optional(),
      default: z.number().optional(),
    })
    .strict(),
  z.object({ ...common, type: z.literal('boolean'), default: z.boolean().optional() }).strict(),
  z
    .object({ ...common, type: z.literal('enum'), values: z.array(z.string().min(1).max(200)).min(1).max(100), default: z.string().optional() })
    .strict(),
]);

/** A prompt as submitted: `template` (with an optional `system`) is shorthand for `messages`. */
export const promptInputSchema = z
  .object({
    path: z.string().max(500).regex(PROMPT_PATH, 'a path of / separated segments of letters, digits, _ . -, without parameters (e.g. /sentiment)'),
    model: aiModelNameSchema.describe('A model name or a routing policy model name of the tenant'),
    template: z.string().min(1).max(200_000).optional().describe('User message template with {{variable}} placeholders'),
    system: z.string().min(1).max(200_000).optional().describe('System message template (with template)'),
    messages: z.array(promptMessageSchema.strict()).min(1).max(20).optional().describe('Template messages (instead of template/system)'),
    variables: z.array(promptVariableInputSchema).max(50).default([]),
    parameters: promptParametersSchema.strict().default({}),
    responseFormat: z.enum(['text', 'json']).default('text'),
    outputSchema: z.record(z.string(), z.unknown()).nullable().default(null).describe('JSON Schema of the output (responseFormat json)'),
    title: z.string().trim().min(1).max(200).nullable().default(null),
    description: z.string().max(2000).nullable().default(null),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.messages !== undefined && (value.template !== undefined || value.system !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['messages'], message: 'give either messages or template (with an optional system), not both' });
    } else if (value.messages === undefined && value.template === undefined) {
      ctx.addIssue({ code: 'custom', path: ['template'], message: 'give the prompt as template (with an optional system) or as messages' });
    }
  });
export type PromptInput = z.infer<typeof promptInputSchema>;

const sharedCreate = {
  version: versionLabelSchema,
  basePath: versionFields.basePath,
  host: versionFields.host.default(null),
  auth: versionFields.auth.default({ methods: ['bearer'], requireEncryptedToken: false, scopes: [] }),
  maxBodyBytes: versionFields.maxBodyBytes.optional(),
  planIds: versionFields.planIds.default(null),
};

/** A version of an `ai` API: the OpenAI-compatible surface under its base path (or at root on a host). */
export const createAiVersionSchema = z.object(sharedCreate).strict();
export type CreateAiVersionInput = z.infer<typeof createAiVersionSchema>;

/** A version of a `prompt` API: one saved prompt served as `POST <basePath><prompt.path>`. */
export const createPromptVersionSchema = z.object({ ...sharedCreate, prompt: promptInputSchema }).strict();
export type CreatePromptVersionInput = z.infer<typeof createPromptVersionSchema>;

const sharedUpdate = {
  basePath: versionFields.basePath,
  host: versionFields.host.nullable(),
  auth: versionFields.auth,
  maxBodyBytes: versionFields.maxBodyBytes,
  planIds: versionFields.planIds,
};
const nonEmpty = (value: object) => Object.keys(value).length > 0;

export const updateAiVersionSchema = z.object(sharedUpdate).partial().strict().refine(nonEmpty, 'give at least one field to change');
export type UpdateAiVersionInput = z.infer<typeof updateAiVersionSchema>;

export const updatePromptVersionSchema = z
  .object({ ...sharedUpdate, prompt: promptInputSchema })
  .partial()
  .strict()
  .refine(nonEmpty, 'give at least one field to change');
export type UpdatePromptVersionInput = z.infer<typeof updatePromptVersionSchema>;
