import { z } from 'zod';
import { teamRoleSchema } from '../../teams/dto/team.dto';
import type { Member } from '../entities/member.entity';

const password = z.string().min(12, 'passwords have at least 12 characters').max(200);

export const createMemberSchema = z.strictObject({
  email: z.email().max(320).transform((value) => value.toLowerCase()),
  displayName: z.string().trim().min(1).max(200),
  password,
  teams: z.array(z.strictObject({ teamId: z.string().min(1).max(100), role: teamRoleSchema })).max(50).default([]),
});

export const updateMemberSchema = z
  .strictObject({
    displayName: z.string().trim().min(1).max(200).optional(),
    password: password.optional(),
    status: z.enum(['active', 'disabled']).optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'give displayName, password or status');

export type CreateMember = z.infer<typeof createMemberSchema>;
export type UpdateMember = z.infer<typeof updateMemberSchema>;

export const memberView = (member: Member) => ({
  id: member.id,
  tenantId: member.tenantId,
  email: member.email,
  displayName: member.displayName,
  status: member.status,
  platformAdmin: member.platformAdmin,
  createdAt: member.createdAt.toISOString(),
  updatedAt: member.updatedAt.toISOString(),
});
