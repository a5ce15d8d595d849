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
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const message = typeof payload === 'string' ? payload : String((payload as { message?: unknown }).message ?? exception.message);
      return [status, { error: httpCodes[status] ?? (status >= 500 ? 'server_error' : 'invalid_request'), message, errorId }];
    }
    return [500, { error: 'server_error', message: 'internal error; quote the errorId when reporting it', errorId }];
  }
}
