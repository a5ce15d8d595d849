import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { Logger } from '@gatehouse/observability';
import type { Request, Response } from 'express';
import { AppError } from './errors';

interface ErrorBody {
  error: string;
  message: string;
  errorId: string;
  details?: Record<string, unknown>;
}

const httpCodes: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

/**
 * Text Postgres cannot store: a NUL character in text (SQLSTATE 22021) or in jsonb (22P05), and
 * an unpaired UTF-16 surrogate escaped in jsonb (22P02, "invalid input syntax for type json").
 * Only client input carries such characters, so they are the client's error, whatever route
 * they came through (JSON bodies, raw documents, path and query parameters).
 */
function isUnstorableText(exception: unknown): boolean {
  const error = exception as { code?: unknown; message?: unknown; driverError?: { code?: unknown; message?: unknown } } | null;
  const code = error?.code ?? error?.driverError?.code;
  if (code === '22021' || code === '22P05') return true;
  const message = error?.driverError?.message ?? error?.message;
  return code === '22P02' && typeof message === 'string' && message.includes('type json');
}

/** Maps every error to `{ error, message, errorId }`; stacks stay in the log, never in the body. */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const errorId = randomUUID();
    const [status, body] = this.describe(exception, errorId);
    if (status >= 500) this.logger.error({ err: exception, errorId, path: request.path }, 'request failed');
    if (response.headersSent) return;
    if (exception instanceof AppError && exception.details?.headers) {
      for (const [name, value] of Object.entries(exception.details.headers as Record<string, string>)) response.setHeader(name, value);
      delete body.details?.headers;
    }
    response.status(status).json(body);
  }

  private describe(exception: unknown, errorId: string): [number, ErrorBody] {
    if (exception instanceof AppError) {
      return [exception.status, { error: exception.code, message: exception.message, errorId, ...(exception.details ? { details: { ...exception.details } } : {}) }];
    }
    if (isUnstorableText(exception)) {
      return [400, { error: 'invalid_request', message: 'the request holds a character no field can store: NUL (U+0000) or an unpaired UTF-16 surrogate', errorId }];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const message = typeof payload === 'string' ? payload : String((payload as { message?: unknown }).message ?? exception.message);
      return [status, { error: httpCodes[status] ?? (status >= 500 ? 'server_error' : 'invalid_request'), message, errorId }];
    }
    return [500, { error: 'server_error', message: 'internal error; quote the errorId when reporting it', errorId }];
  }
}
