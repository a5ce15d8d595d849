/** Who performs an operation, as recorded in the audit log. */
export interface Actor {
  subject: string;
  /** The principal's tenant; null for platform admins and the scheduler. */
  tenantId: string | null;
}

export const SCHEDULER: Actor = Object.freeze({ subject: 'scheduler', tenantId: null });
