import { z } from 'zod';

/** Configuration could not be validated; the message names every offending variable. */
export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Variables every Gatehouse service reads. */
export const baseConfigSchema = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean)),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, dot, underscore and dash only').default(''),
  /** Postgres schema the service owns; defaults to the service name. */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'lowercase identifier').optional(),
  INSTANCE_ID: z.string().min(1).max(60).optional(),
};

export { port };

/**
 * Validates `env` against `shape` once at boot and returns the typed result. Throws a
 * ConfigError naming each bad or missing variable.
 */
export function loadConfig<S extends z.ZodRawShape>(shape: S, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const value = env[name];
      return value === undefined ? `${name} is required (${issue.message})` : `${name}: ${issue.message}`;
    }),
  );
}

export type BaseConfig = z.infer<z.ZodObject<typeof baseConfigSchema>>;

/** One line per variable of a schema, for the generated configuration reference. */
export function describeConfig(shape: z.ZodRawShape): Array<{ name: string; type: string; default: string | undefined; description: string | undefined }> {
  return Object.entries(shape).map(([name, schema]) => {
    const json = z.toJSONSchema(schema as z.ZodType, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
    const fallback = json.default;
    return {
      name,
      type: typeof json.type === 'string' ? json.type : Array.isArray(json.enum) ? (json.enum as unknown[]).join(' | ') : 'string',
      default: fallback === undefined ? undefined : String(fallback),
      description: (schema as z.ZodType).description,
    };
  });
}
