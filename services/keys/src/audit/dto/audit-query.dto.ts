import { z } from 'zod';

const identifier = (name: string) => z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, `${name} must be 1-100 characters of A-Z a-z 0-9 . _ : -`);
const instant = (name: string) => z.iso.datetime({ offset: true, error: `${name} must be an ISO 8601 date-time` }).transform((value) => new Date(value));

export const auditQuerySchema = z
  .object({
    tenant: identifier('tenant').optional(),
    keySetId: identifier('keySetId').optional(),
    kid: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'kid must be 1-100 base64url characters').optional(),
    action: z.string().regex(/^[a-z.-]{1,60}$/, 'action must look like key.active or key-set.created').optional(),
    actor: z.string().min(1).max(200).optional(),
    since: instant('since').optional(),
    until: instant('until').optional(),
    before: z.string().regex(/^[0-9]{1,18}$/, 'before must be an audit entry id').optional(),
    limit: z.coerce.number({ error: 'limit must be a number' }).int().min(1, 'limit must be at least 1').max(500, 'limit must be at most 500').default(100),
  })
  .strict();
export type AuditQueryInput = z.infer<typeof auditQuerySchema>;
