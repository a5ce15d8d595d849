import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Logger } from '@gatehouse/observability';
import { AppExceptionFilter, LOGGER } from '@gatehouse/platform';
import type { Request, Response } from 'express';
import { invalidRequest, OAuthError } from './oauth-error';
import { sendOAuthError } from './oauth-response';

export const OAUTH_PATH_PREFIX = '/oauth2/';

/**
 * Answers every failure under `/oauth2/` in RFC 6749 form, including the body parser's
 * (oversized, malformed, wrong charset), which happen before any route runs. Everything else
 * goes to the platform's filter unchanged.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly fallback: AppExceptionFilter;

  constructor(@Inject(LOGGER) private readonly logger: Logger) {
    this.fallback = new AppExceptionFilter(logger);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    if (host.getType() !== 'http' || !request.path?.startsWith(OAUTH_PATH_PREFIX)) return this.fallback.catch(exception, host);
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    sendOAuthError(response, this.toOAuth(exception, request));
  }

  private toOAuth(exception: unknown, request: Request): OAuthError {
    if (exception instanceof OAuthError) return exception;
    const parser = exception as { type?: string; status?: number; statusCode?: number; expose?: boolean };
    const status = parser?.status ?? parser?.statusCode ?? (exception instanceof HttpException ? exception.getStatus() : 500);
    if (status === 404) return invalidRequest(`no OAuth endpoint at ${request.method} ${request.path}`, 404);
    // `is` answers false for a body of another type (null when there is no body at all).
    if (request.is('application/x-www-form-urlencoded') === false && status < 500) {
      return invalidRequest('the request body must be application/x-www-form-urlencoded', 415);
    }
    if (parser?.type === 'entity.too.large') return invalidRequest('the request body is too large', 413);
    if (parser?.type === 'parameters.too.many') return invalidRequest('the request has too many parameters', 413);
    if (parser?.type === 'charset.unsupported') return invalidRequest('the request body must be UTF-8', 415);
    if (parser?.type === 'encoding.unsupported') return invalidRequest('the request body content encoding is not supported', 415);
    if (status === 405) return invalidRequest(`${request.method} is not allowed here`, 405);
    if (status >= 400 && status < 500) return invalidRequest('the request body could not be read', status);
    this.logger.error({ err: exception, path: request.path }, 'OAuth request failed');
    return new OAuthError('server_error', 'internal error', 500);
  }
}
