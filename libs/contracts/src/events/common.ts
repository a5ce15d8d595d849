import { z } from 'zod';

export const id = z.string().min(1).max(100);
export const tenantId = z.string().min(1).max(100);
export const timestamp = z.iso.datetime({ offset: true });
export const nullableTimestamp = timestamp.nullable();
export const scope = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'scope tokens are printable ASCII without spaces, quotes or backslashes');
