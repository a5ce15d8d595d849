import { Agent } from 'undici';
import type { UpstreamRequest } from '../providers/provider-adapter';

/** A provider's answer: status, headers and a body read as it arrives. */
export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Uint8Array> & { text(): Promise<string>; destroy(error?: Error): unknown };
}

/** Options of one upstream call. */
export interface UpstreamCallOptions {
  signal: AbortSignal;
  /** Longest wait for response headers, and between two body chunks. */
  timeoutMs: number;
}

/** Sends provider requests; the seam tests and other transports plug into. */
export interface UpstreamClient {
  send(request: UpstreamRequest, options: UpstreamCallOptions): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/** Options of the pooled client. */
export interface UndiciUpstreamOptions {
  /** Connections per provider origin. */
  connections?: number;
  keepAliveTimeoutMs?: number;
}

/** Keep-alive connection pools per provider origin (undici Agent). */
export class UndiciUpstreamClient implements UpstreamClient {
  private readonly agent: Agent;

  constructor(options: UndiciUpstreamOptions = {}) {
    this.agent = new Agent({ connections: options.connections ?? 256, keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000, pipelining: 1 });
  }

  async send(request: UpstreamRequest, options: UpstreamCallOptions): Promise<UpstreamResponse> {
    const url = new URL(request.url);
    const response = await this.agent.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: options.signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    return { status: response.statusCode, headers: response.headers, body: response.body };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
