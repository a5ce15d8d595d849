import { createPublicKey, type KeyObject } from 'node:crypto';
import { type KeyState, type TransportSecret, unwrapPrivateKey, VerificationKeyRing } from '@gatehouse/auth';
import { type PublicJwk, signingAlgorithms } from '@gatehouse/contracts';
import { prepareSigningMaterial, type SigningAlg, type SigningMaterial } from './signing-material';

interface KnownKey {
  readonly state: KeyState;
  readonly activatesAt: number;
  readonly retiresAt: number;
  readonly verifiableUntil: number;
}

export interface ActiveSigningKey {
  readonly kid: string;
  readonly keySetId: string;
  readonly tenantId: string | null;
  readonly material: SigningMaterial;
  /** Epoch ms; nothing this key signs may expire later. */
  readonly verifiableUntil: number;
}

export interface ActiveEncryptionKey {
  readonly kid: string;
  readonly alg: 'ECDH-ES+A256KW' | 'RSA-OAEP-256';
  readonly key: KeyObject;
  /** Curve of an ECDH key (P-256, P-384, P-521, X25519); null for RSA. */
  readonly curve: string | null;
}

const epoch = (iso: string | null) => (iso === null ? Number.POSITIVE_INFINITY : Date.parse(iso));
const published = new Set(['pending', 'active', 'retiring']);

/**
 * What identity knows of the keys the keys service distributes: signing keys (private part
 * unwrapped once per key into a KeyObject), the gateway's encryption public keys, and a
 * verification ring of the public signing keys. Identity never makes a key of its own.
 */
export class KeyStore {
  readonly verificationRing = new VerificationKeyRing();
  private readonly known = new Map<string, KnownKey>();
  private readonly signing = new Map<string, { fingerprint: string; material: SigningMaterial }>();
  private readonly encryption = new Map<string, { fingerprint: string; key: KeyObject; curve: string | null }>();
  private readonly generations = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly transportSecrets: TransportSecret | readonly TransportSecret[],
    private readonly onError: (error: Error, kid: string) => void,
  ) {}

  /** Applies one record of `gatehouse.keys.state` (null: tombstone). */
  apply(state: KeyState | null, kid: string): Promise<void> {
    const generation = (this.generations.get(kid) ?? 0) + 1;
    this.generations.set(kid, generation);
    try {
      this.verificationRing.apply(state, kid);
    } catch (error) {
      this.onError(error as Error, kid);
    }
    if (state === null || !published.has(state.state)) {
      this.known.delete(kid);
      this.signing.delete(kid);
      this.encryption.delete(kid);
      return Promise.resolve();
    }
    this.known.set(kid, { state, activatesAt: epoch(state.activatesAt), retiresAt: epoch(state.retiresAt), verifiableUntil: epoch(state.verifiableUntil) });
    const task = this.prepare(state, kid, generation).catch((error: Error) => {
      if (this.generations.get(kid) === generation) this.onError(error, kid);
    });
    this.inFlight.add(task);
    return task.finally(() => this.inFlight.delete(task));
  }

  /** Resolves once every unwrap started so far has finished. */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** The key new tokens of `tenantId` are signed with: the tenant's own set when it has one, else the platform's. */
  activeSigningKey(tenantId: string, now: number): ActiveSigningKey | null {
    return this.pickSigning(tenantId, now) ?? this.pickSigning(null, now);
  }

  /** The gateway's current encryption key for `tenantId` (its own set first). */
  activeEncryptionKey(tenantId: string, now: number): ActiveEncryptionKey | null {
    return this.pickEncryption(tenantId, now) ?? this.pickEncryption(null, now);
  }

  /** Public signing keys to publish: pending, active and retiring ones still verifiable. */
  publicJwks(now: number): PublicJwk[] {
    return [...this.known.values()]
      .filter((entry) => entry.state.purpose === 'access-token-signing' && now < entry.verifiableUntil)
      .sort((a, b) => b.activatesAt - a.activatesAt)
      .map((entry) => entry.state.publicJwk);
  }

  private candidates(purpose: KeyState['purpose'], tenantId: string | null, now: number): KnownKey[] {
    const active = [...this.known.values()].filter(
      (entry) => entry.state.purpose === purpose && entry.state.tenantId === tenantId && entry.state.state === 'active' && now < entry.retiresAt,
    );
    // Newest activation that has started wins; a key whose activation lies ahead only if nothing else is active.
    return active.sort((a, b) => Number(b.activatesAt <= now) - Number(a.activatesAt <= now) || b.activatesAt - a.activatesAt);
  }

  private pickSigning(tenantId: string | null, now: number): ActiveSigningKey | null {
    for (const entry of this.candidates('access-token-signing', tenantId, now)) {
      const prepared = this.signing.get(entry.state.kid);
      if (prepared) return { kid: entry.state.kid, keySetId: entry.state.keySetId, tenantId, material: prepared.material, verifiableUntil: entry.verifiableUntil };
    }
    return null;
  }

  private pickEncryption(tenantId: string | null, now: number): ActiveEncryptionKey | null {
    for (const entry of this.candidates('access-token-encryption', tenantId, now)) {
      const prepared = this.encryption.get(entry.state.kid);
      if (prepared) return { kid: entry.state.kid, alg: entry.state.alg as ActiveEncryptionKey['alg'], key: prepared.key, curve: prepared.curve };
    }
    return null;
  }

  private async prepare(state: KeyState, kid: string, generation: number): Promise<void> {
    // A key pair is named by its algorithm and public half; a record that only re-wraps the private
    // part (new IV, new transport secret) keeps the prepared material, so signing never pauses.
    const fingerprint = `${state.alg}:${JSON.stringify(state.publicJwk)}`;
    if (state.purpose === 'access-token-signing') {
      if (state.privateKey === null || state.privateKey.recipient !== 'identity') {
        this.signing.delete(kid);
        return;
      }
      if (this.signing.get(kid)?.fingerprint === fingerprint) return;
      this.signing.delete(kid);
      if (!(signingAlgorithms as readonly string[]).includes(state.alg)) throw new Error(`signing key ${kid} has alg ${state.alg}`);
      const privateJwk = await unwrapPrivateKey(state.privateKey, this.transportSecrets, 'identity');
      const material = prepareSigningMaterial(kid, state.alg as SigningAlg, privateJwk, state.publicJwk);
      if (this.generations.get(kid) === generation) this.signing.set(kid, { fingerprint, material });
      return;
    }
    if (this.encryption.get(kid)?.fingerprint === fingerprint) return;
    this.encryption.delete(kid);
    if (state.publicJwk.use !== 'enc' || (state.alg !== 'ECDH-ES+A256KW' && state.alg !== 'RSA-OAEP-256')) throw new Error(`encryption key ${kid} has alg ${state.alg}`);
    const { kty, crv, x, y, n, e } = state.publicJwk;
    const curve = state.alg === 'ECDH-ES+A256KW' ? (crv ?? '') : null;
    if (curve !== null && !['P-256', 'P-384', 'P-521', 'X25519'].includes(curve)) throw new Error(`encryption key ${kid} is on unsupported curve ${curve}`);
    const members = Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, value]) => value !== undefined));
    const key = createPublicKey({ key: members as never, format: 'jwk' });
    if (this.generations.get(kid) === generation) this.encryption.set(kid, { fingerprint, key, curve });
  }
}
