import type { z } from 'zod';
import type { EventData, EventDefinition } from './define';
import { type Envelope, type EnvelopeInit, envelopeSchema, newEnvelope } from './envelope';
import { definitionOf } from './registry';

/** A payload or envelope does not match its contract. Never retriable. */
export class ContractViolationError extends Error {
  readonly code = 'ERR_CONTRACT_VIOLATION';
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(issues.length ? `${message}: ${issues.join('; ')}` : message);
    this.name = 'ContractViolationError';
  }
}

function describe(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

export interface EncodedEvent<T = unknown> {
  key: string;
  envelope: Envelope<T>;
  value: string;
}

/**
 * Validates `data` against the event's schema and wraps it in an envelope. Refuses, with a
 * ContractViolationError, a payload that does not match (the type already refuses it at
 * compile time; this guards data that came from outside the type system).
 */
export function encodeEvent<D extends EventDefinition>(
  definition: D,
  data: EventData<D>,
  init: Omit<EnvelopeInit, 'tenant' | 'subject'> & { tenant?: string; subject?: string },
): EncodedEvent<EventData<D>> {
  const parsed = definition.schema.safeParse(data);
  if (!parsed.success) throw new ContractViolationError(`${definition.type} payload is invalid`, describe(parsed.error));
  const payload = parsed.data as EventData<D>;
  const key = definition.key(payload);
  const envelope = newEnvelope(definition.type, payload, {
    ...init,
    tenant: init.tenant ?? definition.tenant(payload),
    subject: init.subject ?? key,
  });
  return { key, envelope, value: JSON.stringify(envelope) };
}

/**
 * Parses a raw message value into a validated envelope whose `data` matches the schema of
 * its `type`. When `expected` is given, only those types are accepted.
 */
export function decodeEvent(raw: Buffer | string | null | undefined, expected?: readonly EventDefinition[]): {
  envelope: Envelope;
  definition: EventDefinition;
} {
  if (raw === null || raw === undefined) throw new ContractViolationError('message has no value');
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (error) {
    throw new ContractViolationError(`message is not JSON (${(error as Error).message})`);
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) throw new ContractViolationError('envelope is invalid', describe(envelope.error));
  const definition = expected
    ? expected.find((candidate) => candidate.type === envelope.data.type)
    : definitionOf(envelope.data.type);
  if (!definition) throw new ContractViolationError(`unexpected event type ${envelope.data.type}`);
  const data = definition.schema.safeParse(envelope.data.data);
  if (!data.success) throw new ContractViolationError(`${definition.type} payload is invalid`, describe(data.error));
  return { envelope: { ...envelope.data, data: data.data }, definition };
}

/** Typed narrowing of a decoded envelope. */
export function isEvent<D extends EventDefinition>(definition: D, envelope: Envelope): envelope is Envelope<EventData<D>> {
  return envelope.type === definition.type;
}
