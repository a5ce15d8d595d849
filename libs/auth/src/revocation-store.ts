import type { ApplicationStateV1, EventData, RevocationStateV1 } from '@gatehouse/contracts';
import type { RevocableToken } from './verified-token';

/** One record of the compacted `gatehouse.identity.revocations` topic. */
export type RevocationState = EventData<typeof RevocationStateV1>;
/** One record of the compacted `gatehouse.identity.applications` topic. */
export type ApplicationState = EventData<typeof ApplicationStateV1>;

/** Told about every new refusal with a predicate selecting the tokens it refuses. */
export type RevocationListener = (refuses: (token: RevocableToken) => boolean) => void;

/** Options of a RevocationStore. */
export interface RevocationStoreOptions {
  now?: () => number;
  /** How long a tombstoned (deleted) application keeps being refused. Default 24 h. */
  deletedApplicationRetentionMs?: number;
  /** Minimum interval between automatic prunes done while applying records. Default 60 s. */
  pruneIntervalMs?: number;
}

interface Stored {
  readonly index: Map<string, Bound>;
  readonly indexKey: string;
  readonly expiresAt: number;
}

/** Every revocation under one index key; `max` is the latest `issuedBefore` among them. */
interface Bound {
  readonly byId: Map<string, number>;
  max: number;
}

const key = (tenant: string, value: string): string => `${tenant}\u0000${value}`;
const ms = (iso: string | null, fallback: number): number => (iso === null ? fallback : Date.parse(iso));

/**
 * Revocations and application status, fed from compacted topics. `isRevoked` costs at most
 * four Map lookups: by `jti`, by application issued-before, by subject issued-before (all
 * scoped to the token's tenant), and by application status (suspended or deleted apps are
 * refused). The application is the token's `client_id`.
 */
export class RevocationStore {
  private readonly records = new Map<string, Stored>();
  private readonly tokens = new Map<string, Bound>();
  private readonly applications = new Map<string, Bound>();
  private readonly subjects = new Map<string, Bound>();
  private readonly refusedApplications = new Map<string, number>();
  private readonly listeners = new Set<RevocationListener>();
  private readonly now: () => number;
  private readonly deletedRetentionMs: number;
  private readonly pruneIntervalMs: number;
  private lastPrune = 0;

  constructor(options: RevocationStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.deletedRetentionMs = options.deletedApplicationRetentionMs ?? 24 * 3600_000;
    this.pruneIntervalMs = options.pruneIntervalMs ?? 60_000;
  }

  /** Subscribes to new refusals; returns the unsubscribe function. */
  onRevocation(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies a revocation record, or its tombstone (`null`) for `revocationId`. */
  applyRevocation(state: RevocationState | null, revocationId: string): void {
    this.forget(revocationId);
    this.maybePrune();
    if (state === null) return;
    const expiresAt = ms(state.expiresAt, Number.POSITIVE_INFINITY);
    if (expiresAt <= this.now()) return;
    const issuedBefore = ms(state.issuedBefore, Number.POSITIVE_INFINITY);
    const target = this.target(state);
    if (target === null) return;
    const [index, indexKey, value]: [Map<string, Bound>, string, number] =
      target === 'token'
        ? [this.tokens, key(state.tenantId, state.jti!), 1]
        : target === 'application'
          ? [this.applications, key(state.tenantId, state.applicationId!), issuedBefore]
          : [this.subjects, key(state.tenantId, state.subject!), issuedBefore];
    let bound = index.get(indexKey);
    if (!bound) index.set(indexKey, (bound = { byId: new Map(), max: Number.NEGATIVE_INFINITY }));
    bound.byId.set(revocationId, value);
    bound.max = Math.max(bound.max, value);
    this.records.set(revocationId, { index, indexKey, expiresAt });
    const tenant = state.tenantId;
    if (target === 'token') this.emit((token) => token.tenant === tenant && token.jti === state.jti);
    else if (target === 'application') this.emit((token) => token.tenant === tenant && token.clientId === state.applicationId && token.issuedAt * 1000 < issuedBefore);
    else this.emit((token) => token.tenant === tenant && token.subject === state.subject && token.issuedAt * 1000 < issuedBefore);
  }

  /** Applies an application record, or its tombstone (`null`, a deleted application). */
  applyApplication(state: ApplicationState | null, applicationId: string): void {
    this.maybePrune();
    if (state !== null && state.status === 'active') {
      this.refusedApplications.delete(applicationId);
      return;
    }
    const until = state === null ? this.now() + this.deletedRetentionMs : Number.POSITIVE_INFINITY;
    const known = this.refusedApplications.has(applicationId);
    this.refusedApplications.set(applicationId, until);
    if (!known) this.emit((token) => token.clientId === applicationId);
  }

  /**
   * True when the token is refused: its jti was revoked, it was issued before a revocation of
   * its application or subject, or its application is suspended or deleted. Tokens issued in
   * the same second as an issued-before revocation count as before it (fail safe).
   */
  isRevoked(token: RevocableToken): boolean {
    if (this.refusedApplications.size && this.refusedApplications.has(token.clientId)) return true;
    if (this.tokens.size && this.tokens.has(key(token.tenant, token.jti))) return true;
    const issuedAt = token.issuedAt * 1000;
    if (this.applications.size && issuedAt < (this.applications.get(key(token.tenant, token.clientId))?.max ?? -Infinity)) return true;
    return this.subjects.size > 0 && issuedAt < (this.subjects.get(key(token.tenant, token.subject))?.max ?? -Infinity);
  }

  /** Drops revocations past their `expiresAt` and deleted applications past the retention. */
  prune(): void {
    const now = this.now();
    this.lastPrune = now;
    for (const [revocationId, stored] of this.records) if (stored.expiresAt <= now) this.forget(revocationId);
    for (const [applicationId, until] of this.refusedApplications) if (until <= now) this.refusedApplications.delete(applicationId);
  }

  /** Revocation records currently held. */
  get size(): number {
    return this.records.size;
  }

  private target(state: RevocationState): 'token' | 'application' | 'subject' | null {
    if (state.kind === 'token') return state.jti ? 'token' : null;
    if (state.kind === 'application') return state.applicationId ? 'application' : null;
    return state.subject ? 'subject' : null;
  }

  private forget(revocationId: string): void {
    const stored = this.records.get(revocationId);
    if (!stored) return;
    this.records.delete(revocationId);
    const bound = stored.index.get(stored.indexKey);
    if (!bound) return;
    bound.byId.delete(revocationId);
    if (bound.byId.size === 0) stored.index.delete(stored.indexKey);
    else bound.max = Math.max(...bound.byId.values());
  }

  private maybePrune(): void {
    if (this.now() - this.lastPrune >= this.pruneIntervalMs) this.prune();
  }

  private emit(refuses: (token: RevocableToken) => boolean): void {
    for (const listener of this.listeners) listener(refuses);
  }
}
