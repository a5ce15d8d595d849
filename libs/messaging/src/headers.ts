import type { Envelope } from '@gatehouse/contracts';
import { CORRELATION_HEADER, currentCorrelationId, sanitizeCorrelationId } from '@gatehouse/observability';
import type { IHeaders } from 'kafkajs';

/** CloudEvents Kafka binding, structured mode: the value is the whole JSON envelope. */
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

/** Headers of a published event: the caller's correlation id (or the event's trace id). */
export function eventHeaders(envelope: Pick<Envelope, 'traceid'> | null): Record<string, string> {
  const correlationId = currentCorrelationId() ?? envelope?.traceid;
  return {
    ...(correlationId ? { [CORRELATION_HEADER]: correlationId } : {}),
    ...(envelope ? { 'content-type': STRUCTURED_CONTENT_TYPE } : {}),
  };
}

/** First value of a header as a string. */
export function headerValue(headers: IHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.toString('utf8');
}

/** The correlation id a consumer runs its handler under: the header, else the envelope's trace id. */
export function incomingCorrelationId(headers: IHeaders | undefined, envelope: Pick<Envelope, 'traceid'> | null): string | undefined {
  return sanitizeCorrelationId(headerValue(headers, CORRELATION_HEADER)) ?? sanitizeCorrelationId(envelope?.traceid);
}
