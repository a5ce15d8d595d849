import type { EventData, KeyStateV1 } from '@gatehouse/contracts';
import { TokenError } from './errors';
import {
  type DecryptionKey,
  importDecryptionKey,
  importSignatureKey,
  KeyMaterialError,
  type KeyManagementAlgorithm,
  publicFingerprint,
  type SignatureKey,
  type SigningAlgorithm,
} from './key-material';
import { type TransportSecret, unwrapPrivateKey } from './key-transport';

/** One record of the compacted `gatehouse.keys.state` topic. */
export type KeyState = EventData<typeof KeyStateV1>;

/** A key of the ring, as the verifier sees it. */
export interface RingKey<M> {
  readonly kid: string;
  readonly keySetId: string;
  readonly tenantId: string | null;
  readonly state: KeyState['state'];
  /** Epoch ms after which nothing may be accepted with this key; Infinity when open-ended. */
  readonly verifiableUntil: number;
  readonly material: M;
}

interface Entry<M> {
  readonly key: RingKey<M> | null;
  /** Why the key cannot be used, for keys the ring knows but refuses. */
  readonly refusal: 'ERR_TOKEN_KEY_REVOKED' | 'ERR_TOKEN_KEY_RETIRED' | 'ERR_TOKEN_KID_UNKNOWN' | null;
  readonly fingerprint: string;
}

/** Called with a kid whose earlier verdicts must no longer be trusted (revoked, removed, shortened). */
export type KeyInvalidationListener = (kid: string) => void;

const refusalOf = (state: KeyState['state']): Entry<unknown>['refusal'] =>
  state === 'revoked' ? 'ERR_TOKEN_KEY_REVOKED' : state === 'retired' || state === 'destroyed' ? 'ERR_TOKEN_KEY_RETIRED' : null;

const epochMs = (iso: string | null): number => (iso === null ? Number.POSITIVE_INFINITY : Date.parse(iso));

abstract class KeyRing<M> {
  protected readonly entries = new Map<string, Entry<M>>();
  private readonly listeners = new Set<KeyInvalidationListener>();

  /** Subscribes to invalidations; returns the unsubscribe function. */
  onInvalidated(listener: KeyInvalidationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Number of kids the ring knows, usable or not. */
  get size(): number {
    return this.entries.size;
  }

  /** The kids the ring can use right now. */
  usableKids(now = Date.now()): string[] {
    return [...this.entries.entries()].filter(([, entry]) => entry.key && !entry.refusal && now < entry.key.verifiableUntil).map(([kid]) => kid);
  }

  /**
   * The key for `kid`, or a TokenError: `ERR_TOKEN_KID_UNKNOWN` (not in the ring),
   * `ERR_TOKEN_KEY_REVOKED`, or `ERR_TOKEN_KEY_RETIRED` (retired, destroyed, or past
   * `verifiableUntil`). Only the local ring is ever consulted.
   */
  resolve(kid: string, now: number): RingKey<M> {
    const entry = this.entries.get(kid);
    if (entry === undefined) throw new TokenError('ERR_TOKEN_KID_UNKNOWN');
    if (entry.refusal !== null || entry.key === null) throw new TokenError(entry.refusal ?? 'ERR_TOKEN_KID_UNKNOWN');
    if (now >= entry.key.verifiableUntil) throw new TokenError('ERR_TOKEN_KEY_RETIRED');
    return entry.key;
  }

  protected commit(kid: string, next: Entry<M> | null): void {
    const previous = this.entries.get(kid);
    if (next === null) this.entries.delete(kid);
    else this.entries.set(kid, next);
    if (previous?.key && !previous.refusal && this.weakens(previous, next)) for (const listener of this.listeners) listener(kid);
  }

  private weakens(previous: Entry<M>, next: Entry<M> | null): boolean {
    return (
      next === null ||
      next.refusal !== null ||
      next.key === null ||
      next.fingerprint !== previous.fingerprint ||
      next.key.verifiableUntil < previous.key!.verifiableUntil
    );
  }

  protected describe(state: KeyState, material: M): RingKey<M> {
    return {
      kid: state.kid,
      keySetId: state.keySetId,
      tenantId: state.tenantId,
      state: state.state,
      verifiableUntil: epochMs(state.verifiableUntil),
      material,
    };
  }

  protected checkKid(state: KeyState | null, kid: string): void {
    if (state !== null && state.kid !== kid) throw new KeyMaterialError(`key record for "${state.kid}" arrived under message key "${kid}"`);
  }
}

/**
 * Token-signing public keys from `gatehouse.keys.state`. Each key is imported once into a
 * node:crypto KeyObject bound to its single algorithm. A key verifies while its state is
 * pending, active or retiring and `verifiableUntil` has not passed.
 */
export class VerificationKeyRing extends KeyRing<SignatureKey> {
  /**
   * Applies a state record, or a tombstone (`null`) for `kid`. Records of other purposes are
   * ignored. A record that cannot be imported removes the kid (fail closed) and throws.
   */
  apply(state: KeyState | null, kid: string): void {
    this.checkKid(state, kid);
    if (state === null || state.purpose !== 'access-token-signing') return this.commit(kid, null);
    const fingerprint = `${state.alg}:${publicFingerprint(state.publicJwk)}`;
    const refusal = refusalOf(state.state);
    const previous = this.entries.get(kid);
    let material = previous?.key && previous.fingerprint === fingerprint ? previous.key.material : null;
    if (material === null && refusal === null) {
      try {
        material = importSignatureKey(state.publicJwk, state.alg as SigningAlgorithm);
      } catch (error) {
        this.commit(kid, null);
        throw error;
      }
    }
    this.commit(kid, { key: material === null ? null : this.describe(state, material), refusal, fingerprint });
  }
}

/** Options of a DecryptionKeyRing. */
export interface DecryptionKeyRingOptions {
  /** The gateway's key-transport secret(s); several during a transport-secret rotation. */
  transportSecrets: TransportSecret | readonly TransportSecret[];
  /** Told about a key record that could not be unwrapped or imported (the kid stays unusable). */
  onError?: (error: Error, kid: string) => void;
}

/**
 * Token-encryption private keys from `gatehouse.keys.state`, wrapped for the gateway. Each is
 * unwrapped with the gateway's transport secret once, asynchronously, then held as a
 * node:crypto KeyObject. Usability follows the same rules as the verification ring.
 */
export class DecryptionKeyRing extends KeyRing<DecryptionKey> {
  private readonly generations = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: DecryptionKeyRingOptions) {
    super();
  }

  /**
   * Applies a state record or tombstone. Refusals (revoked, retired, removed) take effect
   * before this returns; a new key becomes usable once its private part is unwrapped. A later
   * record for the same kid always wins over an unwrap still in progress. A record that only
   * re-wraps the same key (same algorithm and public key) keeps the key usable throughout.
   */
  apply(state: KeyState | null, kid: string): Promise<void> {
    this.checkKid(state, kid);
    const generation = (this.generations.get(kid) ?? 0) + 1;
    this.generations.set(kid, generation);
    if (state === null || state.purpose !== 'access-token-encryption') {
      this.commit(kid, null);
      return Promise.resolve();
    }
    // The wrapped private part is left out on purpose: the keys service wraps it afresh (new IV,
    // new transport secret) without the key changing, and a key pair is named by its public half.
    const fingerprint = `${state.alg}:${publicFingerprint(state.publicJwk)}`;
    const refusal = refusalOf(state.state) ?? (state.privateKey === null || state.privateKey.recipient !== 'gateway' ? 'ERR_TOKEN_KID_UNKNOWN' : null);
    const previous = this.entries.get(kid);
    if (refusal !== null || (previous?.key && previous.fingerprint === fingerprint)) {
      const material = refusal === null ? previous!.key!.material : null;
      this.commit(kid, { key: material && this.describe(state, material), refusal, fingerprint });
      return Promise.resolve();
    }
    if (previous) this.commit(kid, null);
    const task = this.unwrap(state, kid, generation, fingerprint);
    this.inFlight.add(task);
    return task.finally(() => this.inFlight.delete(task));
  }

  /** Resolves once every unwrap started so far has finished. */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async unwrap(state: KeyState, kid: string, generation: number, fingerprint: string): Promise<void> {
    try {
      const privateJwk = await unwrapPrivateKey(state.privateKey!, this.options.transportSecrets, 'gateway');
      const material = importDecryptionKey(privateJwk, state.publicJwk, state.alg as KeyManagementAlgorithm);
      if (this.generations.get(kid) === generation) this.commit(kid, { key: this.describe(state, material), refusal: null, fingerprint });
    } catch (error) {
      if (this.generations.get(kid) !== generation) return;
      this.commit(kid, null);
      if (this.options.onError) this.options.onError(error as Error, kid);
      else throw error;
    }
  }
}
