import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * The CloudEvents 1.0 attributes every Gatehouse event carries, plus the `tenant` and
 * `traceid` extension attributes. `data` is validated separately against the schema of
 * the event type named in `type`.
 */
export const envelopeSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(200),
  source: z.string().min(1).max(200),
  type: z.string().regex(/^gatehouse\.[a-z0-9.-]+\.v\d+$/, 'type must look like gatehouse.<domain>.<name>.v<N>'),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().min(1).max(300).optional(),
  datacontenttype: z.literal('application/json'),
  /** Tenant the event belongs to; `platform` for platform-wide state such as default key sets. */
  tenant: z.string().min(1).max(100),
  /** Correlation id carried from the HTTP request that caused the event, if any. */
  traceid: z.string().min(1).max(100),
  data: z.unknown(),
});

export type Envelope<T = unknown> = Omit<z.infer<typeof envelopeSchema>, 'data'> & { data: T };

export const PLATFORM_TENANT = 'platform';

export interface EnvelopeInit {
  source: string;
  tenant: string;
  subject?: string;
  traceId?: string;
  id?: string;
  time?: Date;
}

export function newEnvelope<T>(type: string, data: T, init: EnvelopeInit): Envelope<T> {
  return {
    specversion: '1.0',
    id: init.id ?? randomUUID(),
    source: init.source,
    type,
    time: (init.time ?? new Date()).toISOString(),
    ...(init.subject === undefined ? {} : { subject: init.subject }),
    datacontenttype: 'application/json',
    tenant: init.tenant,
    traceid: init.traceId ?? randomUUID(),
    data,
  };
}
