import pino, { type Logger } from 'pino';
import { currentCorrelationId } from './correlation';

/**
 * Paths the logger always censors. Secrets never reach a log line by accident: the logger
 * removes them, nobody has to remember to. A secret field is censored up to four objects
 * deep (`a.b.c.d.password`); each further level would slow every log line down.
 */
export const REDACTED_PATHS = [
  'authorization',
  'password',
  'secret',
  'token',
  'jwe',
  'jws',
  'privateKey',
  'apiKey',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  ...[
    'authorization',
    'password',
    'secret',
    'client_secret',
    'clientSecret',
    'token',
    'access_token',
    'refresh_token',
    'accessToken',
    'refreshToken',
    'assertion',
    'client_assertion',
    'subject_token',
    'privateKey',
    'private_key',
    'privateJwk',
    'masterKey',
    'apiKey',
    'api_key',
    'jwe',
    'd',
    'p',
    'q',
    'dp',
    'dq',
    'qi',
    'k',
  ].flatMap((field) => [`*.${field}`, `*.*.${field}`, `*.*.*.${field}`, `*.*.*.*.${field}`]),
];

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to inspect output. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.service,
      level: options.level ?? 'info',
      base: { service: options.service },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const correlationId = currentCorrelationId();
        return correlationId ? { correlationId } : {};
      },
    },
    options.destination,
  );
}

export type { Logger };
