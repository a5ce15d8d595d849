import { createHash, hkdfSync } from 'node:crypto';
import type { WrappedPrivateKey } from '@gatehouse/contracts';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader, type JWK } from 'jose';
import { decodeBase64url } from './base64url';

export type { JWK } from 'jose';
export type { WrappedPrivateKey } from '@gatehouse/contracts';

/** The service a wrapped private key is meant for. */
export type KeyRecipient = WrappedPrivateKey['recipient'];

/** A 256-bit key-transport secret shared by the keys service and one recipient service. */
export interface TransportSecret {
  /** Travels as the JWE `kid`, so a recipient can hold several secrets during a rotation. */
  id: string;
  /** Exactly 32 bytes. */
  key: Uint8Array;
}

/** A wrapped key could not be produced or opened. The message never contains key material. */
export class KeyTransportError extends Error {
  override readonly name = 'KeyTransportError';
  readonly code = 'ERR_KEY_TRANSPORT';
}

const RECIPIENT_HEADER = 'gatehouse_recipient';
const secretId = /^[A-Za-z0-9._-]{1,64}$/;
const recipients: readonly KeyRecipient[] = ['identity', 'gateway'];

function checkSecret(secret: TransportSecret): void {
  if (!secretId.test(secret.id)) throw new KeyTransportError('transport secret id must be 1-64 characters of A-Z a-z 0-9 . _ -');
  if (!(secret.key instanceof Uint8Array) || secret.key.length !== 32) throw new KeyTransportError('transport secret key must be exactly 32 bytes');
}

/**
 * Wraps a private JWK for one recipient service: a compact JWE (alg A256KW, enc A256GCM)
 * whose `kid` is the secret id and whose integrity-protected header names the recipient.
 */
export async function wrapPrivateKey(privateJwk: JWK, recipient: KeyRecipient, secret: TransportSecret): Promise<WrappedPrivateKey> {
  checkSecret(secret);
  if (!recipients.includes(recipient)) throw new KeyTransportError('recipient must be identity or gateway');
  if (typeof privateJwk !== 'object' || privateJwk === null || typeof privateJwk.kty !== 'string' || typeof privateJwk.d !== 'string') {
    throw new KeyTransportError('only a private JWK (with kty and d) can be wrapped');
  }
  const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(privateJwk)))
    .setProtectedHeader({ alg: 'A256KW', enc: 'A256GCM', kid: secret.id, cty: 'jwk+json', [RECIPIENT_HEADER]: recipient })
    .encrypt(secret.key);
  return { recipient, jwe };
}

/**
 * Opens a wrapped private key. Refuses one wrapped for another recipient than
 * `expectedRecipient` (when given) or than the one it claims, one whose `kid` matches none
 * of the given secrets, and one that fails authentication.
 */
export async function unwrapPrivateKey(
  wrapped: WrappedPrivateKey,
  secret: TransportSecret | readonly TransportSecret[],
  expectedRecipient?: KeyRecipient,
): Promise<JWK> {
  if (expectedRecipient !== undefined && wrapped.recipient !== expectedRecipient) {
    throw new KeyTransportError(`key is wrapped for ${wrapped.recipient}, not for ${expectedRecipient}`);
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(wrapped.jwe) as Record<string, unknown>;
  } catch (error) {
    throw new KeyTransportError('wrapped key is not a compact JWE', { cause: error });
  }
  if (header.alg !== 'A256KW' || header.enc !== 'A256GCM') throw new KeyTransportError('wrapped key must use alg A256KW and enc A256GCM');
  if (header[RECIPIENT_HEADER] !== wrapped.recipient) throw new KeyTransportError(`wrapped key header names another recipient than ${wrapped.recipient}`);
  const secrets = Array.isArray(secret) ? (secret as readonly TransportSecret[]) : [secret as TransportSecret];
  const match = secrets.find((candidate) => candidate.id === header.kid);
  if (!match) throw new KeyTransportError(`wrapped key was made with transport secret "${String(header.kid)}", which this service does not hold`);
  checkSecret(match);
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(wrapped.jwe, match.key, { keyManagementAlgorithms: ['A256KW'], contentEncryptionAlgorithms: ['A256GCM'] }));
  } catch (error) {
    throw new KeyTransportError(`wrapped key does not open with transport secret "${match.id}"`, { cause: error });
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(new TextDecoder().decode(plaintext));
  } catch (error) {
    throw new KeyTransportError('wrapped key does not hold JSON', { cause: error });
  }
  if (typeof jwk !== 'object' || jwk === null || typeof (jwk as JWK).kty !== 'string' || typeof (jwk as JWK).d !== 'string') {
    throw new KeyTransportError('wrapped key does not hold a private JWK');
  }
  return jwk as JWK;
}

/**
 * Parses a transport secret from an environment value `"<id>:<base64url of 32 bytes>"`.
 * Errors name `variable` and say what is wrong, never what the value was.
 */
export function transportSecretFromEnv(value: string, variable = 'the transport secret'): TransportSecret {
  if (typeof value !== 'string' || value.length === 0) throw new KeyTransportError(`${variable} is empty; expected "<id>:<base64url of 32 bytes>"`);
  const separator = value.indexOf(':');
  if (separator < 0) throw new KeyTransportError(`${variable} has no ":"; expected "<id>:<base64url of 32 bytes>"`);
  const id = value.slice(0, separator);
  const encoded = value.slice(separator + 1);
  if (!secretId.test(id)) throw new KeyTransportError(`${variable} id (before ":") must be 1-64 characters of A-Z a-z 0-9 . _ -`);
  const key = decodeBase64url(encoded);
  if (key === null) throw new KeyTransportError(`${variable} key (after ":") is not unpadded base64url`);
  if (key.length !== 32) throw new KeyTransportError(`${variable} key decodes to ${key.length} bytes; it must be exactly 32`);
  return { id, key: new Uint8Array(key) };
}

/**
 * Parses one or several transport secrets, comma-separated (the new one first during a rotation).
 * Refuses an empty list and a repeated id.
 */
export function transportSecretsFromEnv(value: string, variable = 'the transport secret'): TransportSecret[] {
  const secrets = value.split(',').map((part) => transportSecretFromEnv(part.trim(), variable));
  const ids = secrets.map((secret) => secret.id);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined) throw new KeyTransportError(`${variable} names the id "${repeated}" twice`);
  return secrets;
}

/**
 * Derives a recipient's transport secret from one master secret with HKDF-SHA256. Meant for
 * development defaults, where every service shares one master secret; production gives
 * each recipient its own random secret. The id is a short fingerprint of the derived key.
 */
export function deriveTransportSecret(masterSecret: string | Uint8Array, recipient: KeyRecipient): TransportSecret {
  if (!recipients.includes(recipient)) throw new KeyTransportError('recipient must be identity or gateway');
  const master = typeof masterSecret === 'string' ? Buffer.from(masterSecret, 'utf8') : Buffer.from(masterSecret);
  if (master.length < 16) throw new KeyTransportError('master secret must be at least 16 bytes');
  const key = new Uint8Array(hkdfSync('sha256', master, 'gatehouse/key-transport', `gatehouse key transport for ${recipient}`, 32));
  const fingerprint = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return { id: `${recipient}-${fingerprint}`, key };
}
