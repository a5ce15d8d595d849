import type { EntityManager } from 'typeorm';

/** A shared row lock inside a transaction (referenced rows cannot be deleted under it); none outside one. */
export function shareLock(manager: EntityManager): { lock?: { mode: 'pessimistic_read' } } {
  return manager.queryRunner?.isTransactionActive ? { lock: { mode: 'pessimistic_read' } } : {};
}
