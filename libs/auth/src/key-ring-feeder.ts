import { ApplicationStateV1, type EventDefinition, KeyStateV1, RevocationStateV1 } from '@gatehouse/contracts';
import { type StateRecord, StateTopicReader, type StateTopicReaderOptions } from '@gatehouse/messaging';
import type { DecryptionKeyRing, KeyState, VerificationKeyRing } from './key-ring';
import type { ApplicationState, RevocationState, RevocationStore } from './revocation-store';

/** The in-memory state the token verifier reads. */
export interface AuthStateTargets {
  keys: VerificationKeyRing;
  decryptionKeys?: DecryptionKeyRing;
  revocations?: RevocationStore;
}

/** The compacted topics that feed `targets`: keys always, revocations and applications with a store. */
export function authStateDefinitions(targets: AuthStateTargets): EventDefinition[] {
  return targets.revocations ? [KeyStateV1, RevocationStateV1, ApplicationStateV1] : [KeyStateV1];
}

/**
 * Routes one state record (or tombstone) to the rings and the store. Rejects when a record
 * cannot be used (an unimportable key, a key the gateway cannot unwrap), after every target
 * has seen it, so the reader dead-letters it; the affected kid stays unusable.
 */
export function authStateHandler(targets: AuthStateTargets): (record: StateRecord) => Promise<void> {
  return async ({ definition, key, envelope }) => {
    const data = envelope?.data ?? null;
    if (definition.type === KeyStateV1.type) {
      const errors: unknown[] = [];
      try {
        targets.keys.apply(data as KeyState | null, key);
      } catch (error) {
        errors.push(error);
      }
      await targets.decryptionKeys?.apply(data as KeyState | null, key).catch((error: unknown) => errors.push(error));
      if (errors.length) throw errors[0];
    } else if (definition.type === RevocationStateV1.type) {
      targets.revocations?.applyRevocation(data as RevocationState | null, key);
    } else if (definition.type === ApplicationStateV1.type) {
      targets.revocations?.applyApplication(data as ApplicationState | null, key);
    }
  };
}

/** StateTopicReader options (Kafka, prefix, group, producer for dead letters...) plus the targets to feed. */
export type FeedAuthStateOptions = Omit<StateTopicReaderOptions, 'definitions' | 'onRecord'> & AuthStateTargets;

/**
 * A StateTopicReader over `gatehouse.keys.state` (and, with a revocation store,
 * `gatehouse.identity.revocations` and `gatehouse.identity.applications`) that keeps the
 * rings and the store current. Call `start()`, then await `caughtUp()` before reporting ready:
 * every key is unwrapped by then, since each record is applied before the reader advances.
 */
export function feedAuthState(options: FeedAuthStateOptions): StateTopicReader {
  const { keys, decryptionKeys, revocations, ...reader } = options;
  const targets: AuthStateTargets = { keys, decryptionKeys, revocations };
  return new StateTopicReader({ ...reader, definitions: authStateDefinitions(targets), onRecord: authStateHandler(targets) });
}
