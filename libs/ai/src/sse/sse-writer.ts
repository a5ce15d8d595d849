import type { ServerResponse } from 'node:http';

/** Headers of an SSE answer; `x-accel-buffering` keeps proxies from holding chunks back. */
export function sseHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no', ...extra };
}

/** Encodes one `data:` event. JSON never contains a raw newline, so one line suffices. */
export function sseData(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

/** Encodes an event with a name (Anthropic, Cohere wire formats). */
export function sseNamedEvent(event: string, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/**
 * Writes SSE to a client. Each `write` goes to the socket at once (Node does not buffer a
 * response body), so a translated chunk leaves as soon as its upstream event arrived.
 */
export class SseWriter {
  private started = false;

  constructor(private readonly res: ServerResponse) {}

  /** Whether the status line and first bytes were sent: no fallback after this. */
  get hasStarted(): boolean {
    return this.started;
  }

  /** Whether the client can still receive. */
  get writable(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  start(headers: Record<string, string>): void {
    if (this.started) return;
    this.started = true;
    this.res.writeHead(200, sseHeaders(headers));
  }

  data(payload: unknown): void {
    if (this.writable) this.res.write(sseData(payload));
  }

  /** Events that arrived together leave together: one socket write, no waiting. */
  batch(payloads: readonly unknown[]): void {
    if (!this.writable || payloads.length === 0) return;
    let text = '';
    for (const payload of payloads) text += sseData(payload);
    this.res.write(text);
  }

  end(): void {
    if (this.writable) this.res.end('data: [DONE]\n\n');
  }

  /** Ends the stream with an OpenAI-shaped error event (the SDKs raise it). */
  fail(error: { error: unknown }): void {
    if (!this.writable) return;
    this.res.end(sseData(error));
  }
}
