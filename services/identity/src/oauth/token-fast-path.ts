import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CORRELATION_HEADER, type Logger, sanitizeCorrelationId, withCorrelationId } from '@gatehouse/observability';
import { LOGGER } from '@gatehouse/platform';
import { FormParams } from './form';
import { invalidRequest, OAuthError } from './oauth-error';
import { TokenEndpoint } from './token-endpoint.service';

const BODY_LIMIT = 64 * 1024;
const plainForm = /^application\/x-www-form-urlencoded\s*(;\s*charset="?utf-8"?\s*)?$/i;
const DESCRIPTION_CHARS = /[^\x20\x21\x23-\x5B\x5D-\x7E]/g;

/**
 * The token endpoint on plain node:http: a well-formed `POST /oauth2/token` (form body, no
 * content encoding) is answered here, before Express and Nest, with the same TokenEndpoint
 * logic as the Nest route. Everything else, malformed requests included, goes on to Express,
 * whose route and filters give the precise errors.
 */
@Injectable()
export class TokenFastPath implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly endpoint: TokenEndpoint,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    const framework = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      if (this.accepts(request)) this.serve(request, response);
      else for (const listener of framework) listener.call(server, request, response);
    });
  }

  private accepts(request: IncomingMessage): boolean {
    const type = request.headers['content-type'];
    return request.method === 'POST' && request.url === '/oauth2/token' && type !== undefined && plainForm.test(type) && request.headers['content-encoding'] === undefined;
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const correlationId = sanitizeCorrelationId(request.headers[CORRELATION_HEADER]) ?? randomUUID();
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > BODY_LIMIT) return this.tooLarge(request, response, correlationId);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > BODY_LIMIT) {
        refused = true;
        this.tooLarge(request, response, correlationId);
      } else chunks.push(chunk);
    });
    request.on('error', () => response.destroy());
    request.on('end', () => {
      if (refused) return;
      withCorrelationId(correlationId, () => {
        this.answer(request, response, correlationId, Buffer.concat(chunks, size).toString('utf8')).catch((error: unknown) => {
          this.logger.error({ err: error }, 'token fast path failed');
          response.destroy();
        });
      });
    });
  }

  private async answer(request: IncomingMessage, response: ServerResponse, correlationId: string, body: string): Promise<void> {
    try {
      const result = await this.endpoint.handle(request, FormParams.fromSearchParams(new URLSearchParams(body)));
      this.send(response, correlationId, 200, result);
    } catch (error) {
      if (error instanceof OAuthError) return this.sendError(response, correlationId, error);
      const errorId = randomUUID();
      this.logger.error({ err: error, errorId, path: '/oauth2/token' }, 'request failed');
      this.sendError(response, correlationId, new OAuthError('server_error', `internal error; quote ${errorId} when reporting it`, 500));
    }
  }

  private tooLarge(request: IncomingMessage, response: ServerResponse, correlationId: string): void {
    response.setHeader('Connection', 'close');
    this.sendError(response, correlationId, invalidRequest('the request body is too large', 413));
    request.resume();
  }

  private sendError(response: ServerResponse, correlationId: string, error: OAuthError): void {
    this.send(response, correlationId, error.status, { error: error.error, error_description: error.description.replace(DESCRIPTION_CHARS, "'") }, error.headers);
  }

  private send(response: ServerResponse, correlationId: string, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
    if (response.headersSent) return;
    const payload = JSON.stringify(body);
    // An explicit length keeps the answer out of chunked encoding: one write, fewer bytes.
    response.writeHead(status, {
      'Content-Length': Buffer.byteLength(payload),
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      [CORRELATION_HEADER]: correlationId,
      ...headers,
    });
    response.end(payload);
  }
}
