import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { type BaseConfig, baseConfigSchema, ConfigError, loadConfig, port } from '@gatehouse/config';
import { CORRELATION_HEADER, createLogger, type Logger, sanitizeCorrelationId, withCorrelationId } from '@gatehouse/observability';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { json, type NextFunction, type Request, type RequestHandler, type Response, urlencoded } from 'express';
import { AppError } from './errors';
import { AppExceptionFilter } from './exception.filter';
import { NestPinoLogger } from './nest-logger';

export interface ServiceAppOptions {
  module: Type<unknown> | DynamicModule;
  logger: Logger;
  title: string;
  description: string;
  /** Largest JSON or form body accepted, e.g. `1mb`. */
  bodyLimit?: string;
}

/** Builds a service's Nest application with the platform's body limits, errors, correlation ids and /docs. */
export async function createServiceApp(options: ServiceAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(options.module, {
    logger: new NestPinoLogger(options.logger),
    bodyParser: false,
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const limit = options.bodyLimit ?? '1mb';
  app.use(bodyParser(json({ limit, type: ['application/json', 'application/*+json'], verify: refuseNonUtf8 }), limit));
  app.use(bodyParser(urlencoded({ limit: '64kb', extended: false, parameterLimit: 100 }), '64kb'));
  app.use(refuseIllFormedText);
  app.use((request: { headers: Record<string, unknown> }, response: { setHeader(name: string, value: string): void }, next: () => void) => {
    const correlationId = sanitizeCorrelationId(request.headers[CORRELATION_HEADER]) ?? randomUUID();
    response.setHeader(CORRELATION_HEADER, correlationId);
    withCorrelationId(correlationId, next);
  });
  app.useGlobalFilters(new AppExceptionFilter(options.logger));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(options.title).setDescription(options.description).setVersion('1').addBearerAuth().build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json', yamlDocumentUrl: 'docs/openapi.yaml' });
  app.enableShutdownHooks();
  return app;
}

/** Turns body-parser failures into typed errors with messages a client can act on. */
function bodyParser(parse: RequestHandler, limit: string): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) =>
    parse(request, response, (error?: unknown) => {
      if (!error) return next();
      const failure = error as { type?: string; status?: number; charset?: string };
      if (failure.type === 'entity.too.large') return next(new AppError(413, 'payload_too_large', `request body exceeds ${limit}`));
      if (failure.type === 'entity.parse.failed') return next(new AppError(400, 'invalid_request', 'request body is not valid JSON'));
      if (failure.type === 'charset.unsupported') return next(new AppError(415, 'unsupported_media_type', `unsupported charset ${failure.charset}`));
      if (failure.type === 'parameters.too.many') return next(new AppError(413, 'payload_too_large', 'too many form parameters'));
      if (typeof failure.status === 'number' && failure.status < 500) return next(new AppError(failure.status, 'invalid_request', 'request body could not be read'));
      return next(error);
    });
}

/**
 * JSON between systems is UTF-8 (RFC 8259 §8.1). body-parser also decodes `charset=utf-16` and
 * `utf-32`, where a body of an odd length decodes to nothing and would be taken for an empty
 * object: such bodies are refused as an unsupported charset instead.
 */
function refuseNonUtf8(_request: unknown, _response: unknown, _body: Buffer, encoding: string): void {
  if (encoding.toLowerCase() !== 'utf-8') throw Object.assign(new Error(`unsupported charset ${encoding}`), { type: 'charset.unsupported', charset: encoding });
}

/**
 * JSON may escape an unpaired UTF-16 surrogate (`"\\ud800"`); no text column can store one, and
 * the driver would silently turn it into U+FFFD. Refused here with the path of the member.
 */
function refuseIllFormedText(request: Request, _response: Response, next: NextFunction): void {
  const where = illFormedTextAt(request.body);
  if (where === null) return next();
  next(new AppError(400, 'invalid_request', `${where === '' ? 'the request body' : `member "${where}"`} holds an unpaired UTF-16 surrogate (in a value or a member name)`));
}

/** Path of the first string (value or member name) that is not well-formed UTF-16, or null. Iterative: bodies may nest deeply. */
export function illFormedTextAt(body: unknown): string | null {
  const pending: Array<[unknown, string]> = [[body, '']];
  while (pending.length > 0) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (!value.isWellFormed()) return path;
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, member] of Object.entries(value)) {
        // A bad member name is reported by its parent's path: the name itself cannot be echoed.
        if (!key.isWellFormed()) return path;
        pending.push([member, path === '' ? key : `${path}.${key}`]);
      }
    }
  }
  return null;
}

export interface RunServiceOptions<S extends z.ZodRawShape> {
  service: string;
  defaultPort: number;
  title: string;
  description: string;
  config: S;
  module(config: z.infer<z.ZodObject<typeof baseConfigSchema & { PORT: ReturnType<typeof port> } & S>>, logger: Logger): DynamicModule | Type<unknown>;
  /** Largest JSON body accepted, e.g. `6mb`; defaults to 1 MiB. */
  bodyLimit?: string;
  /** Runs after the HTTP server listens (e.g. the gateway's data plane). */
  afterListen?(app: INestApplication, logger: Logger): Promise<void>;
}

/** `main.ts` of every service: validate config (exit 1 naming the variable), boot, listen. */
export async function runService<S extends z.ZodRawShape>(options: RunServiceOptions<S>): Promise<INestApplication> {
  let config: BaseConfig & { PORT: number };
  try {
    config = loadConfig({ ...baseConfigSchema, PORT: port(options.defaultPort), ...options.config }) as BaseConfig & { PORT: number };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${options.service}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ service: options.service, level: config.LOG_LEVEL });
  try {
    const app = await createServiceApp({
      module: options.module(config as never, logger),
      logger,
      title: options.title,
      description: options.description,
      ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
    });
    await app.listen(config.PORT, process.env.HOST ?? '0.0.0.0');
    logger.info({ port: config.PORT }, `${options.service} listening on :${config.PORT}`);
    await options.afterListen?.(app, logger);
    return app;
  } catch (error) {
    logger.fatal({ err: error }, `${options.service} failed to start`);
    process.exit(1);
  }
}
