import { httpMethodSchema, scope, upstreamTargetSchema } from '@gatehouse/contracts';
import { z } from 'zod';
import { isValidTemplate } from '../../openapi/path-template';

export const versionLabelSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/, 'letters, digits, dot, dash or underscore, at most 50 characters');
const basePathSchema = z
  .string()
  .max(500)
  .refine((value) => value === '/' || (/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(value) && !value.includes('//')), 'the base path starts with / and holds no parameters, spaces, ? or #');
const hostSchema = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*(:\d{1,5})?$/, 'a host name, optionally with :port')
  .transform((value) => value.toLowerCase());

export const upstreamSchema = z
  .object({
    targets: z.array(upstreamTargetSchema).min(1).max(20),
    loadBalancing: z.enum(['weighted-round-robin', 'least-outstanding']).default('weighted-round-robin'),
    timeouts: z
      .object({
        connectMs: z.number().int().min(1).max(60_000),
        firstByteMs: z.number().int().min(1).max(600_000),
        totalMs: z.number().int().min(1).max(3_600_000),
      })
      .strict()
      .default({ connectMs: 2_000, firstByteMs: 30_000, totalMs: 60_000 }),
    retries: z.object({ attempts: z.number().int().min(0).max(5), backoffMs: z.number().int().min(0).max(10_000) }).strict().default({ attempts: 1, backoffMs: 100 }),
  })
  .strict();

export const authPolicySchema = z
  .object({
    methods: z
      .array(z.enum(['bearer', 'api_key']))
      .max(2)
      .refine((methods) => new Set(methods).size === methods.length, 'each method at most once')
      .default(['bearer'])
      .describe('Accepted credentials; [] makes the routes public (still metered)'),
    requireEncryptedToken: z.boolean().default(false),
    scopes: z.array(scope).max(50).default([]).describe('Scopes every call must carry'),
  })
  .strict();

export const declaredRouteSchema = z
  .object({
    path: z.string().max(1500).refine(isValidTemplate, 'a path template starting with /, parameters as {name} filling whole segments'),
    methods: z.array(httpMethodSchema).min(1).max(7),
  })
  .strict();

const documentSchema = z.union([z.string().min(1), z.record(z.string(), z.unknown())]).describe('OpenAPI 3.0/3.1 document: JSON or YAML text, or a JSON object');

export const versionFields = {
  basePath: basePathSchema,
  host: hostSchema.nullable(),
  upstream: upstreamSchema,
  auth: authPolicySchema,
  maxBodyBytes: z.number().int().min(1).max(1024 * 1024 * 1024),
  planIds: z.array(z.uuid()).max(50).nullable().describe('Plans on offer for this version; null offers every plan of the API'),
  openapi: documentSchema,
  routes: z.array(declaredRouteSchema).min(1).max(2_000).describe('Declared routes; when absent they are derived from the document'),
};

export const createVersionSchema = z
  .object({
    version: versionLabelSchema,
    basePath: versionFields.basePath,
    host: versionFields.host.default(null),
    upstream: versionFields.upstream,
    auth: versionFields.auth.default({ methods: ['bearer'], requireEncryptedToken: false, scopes: [] }),
    maxBodyBytes: versionFields.maxBodyBytes.optional(),
    planIds: versionFields.planIds.default(null),
    openapi: versionFields.openapi.optional(),
    routes: versionFields.routes.optional(),
  })
  .strict()
  .refine((value) => value.openapi !== undefined || value.routes !== undefined, { message: 'give an OpenAPI document (openapi) or declared routes (routes)', path: ['openapi'] });
export type CreateVersionInput = z.infer<typeof createVersionSchema>;

export const updateVersionSchema = z
  .object({ ...versionFields, routes: versionFields.routes.nullable() })
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'give at least one field to change');
export type UpdateVersionInput = z.infer<typeof updateVersionSchema>;

export const publishSchema = z.preprocess(
  (value) => value ?? {},
  z
  .object({
    dryRun: z.boolean().default(false).describe('Only report collisions and the breaking-change report'),
    against: versionLabelSchema.optional().describe('Version to diff against; default the newest published or deprecated one'),
    refuseBreaking: z.boolean().default(false).describe('Refuse (409) when the report has breaking changes'),
  })
  .strict(),
);

export const deprecateSchema = z.object({ sunsetAt: z.iso.datetime({ offset: true }).describe('When the version will be retired') }).strict();
export const emptyBodySchema = z.object({}).strict();
export const diffQuerySchema = z.object({ against: versionLabelSchema, tenant: z.string().max(100).optional() }).strict();
