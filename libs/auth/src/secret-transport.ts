import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import { type KeyRecipient, KeyTransportError, type TransportSecret } from './key-transport';

/** A secret (e.g. an AI provider credential) wrapped for exactly one recipient service. */
export interface WrappedSecret {
  recipient: KeyRecipient;
  /** Compact JWE, alg A256KW, enc A256GCM, `cty: "gatehouse-secret"`; plaintext the UTF-8 secret. */
  jwe: string;
}

const RECIPIENT_HEADER = 'gatehouse_recipient';
const SUBJECT_HEADER = 'gatehouse_subject';
const CONTENT_TYPE = 'gatehouse-secret';
const MAX_SECRET_BYTES = 16 * 1024;
const secretId = /^[A-Za-z0-9._-]{1,64}$/;
const recipients: readonly KeyRecipient[] = ['identity', 'gateway'];
const utf8 = new TextDecoder('utf-8', { fatal: true });

function checkTransport(secret: TransportSecret): void {
  if (!secretId.test(secret.id)) throw new KeyTransportError('transport secret id must be 1-64 characters of A-Z a-z 0-9 . _ -');
  if (!(secret.key instanceof Uint8Array) || secret.key.length !== 32) throw new KeyTransportError('transport secret key must be exactly 32 bytes');
}

function checkSubject(subject: unknown): asserts subject is string {
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > 200) throw new KeyTransportError('the subject of a wrapped secret must be 1-200 characters');
}

/**
 * Wraps a secret for one recipient service as a compact JWE (alg A256KW, enc A256GCM) whose
 * `kid` is the transport secret id and whose integrity-protected header names the recipient
 * and the `subject` the secret belongs to (e.g. `provider:<id>`), so a wrapped secret cannot
 * be replayed onto another record. The JWE's `cty` keeps it apart from wrapped private keys.
 */
export async function wrapSecret(secret: string, recipient: KeyRecipient, transport: TransportSecret, subject: string): Promise<WrappedSecret> {
  checkTransport(transport);
  checkSubject(subject);
  if (!recipients.includes(recipient)) throw new KeyTransportError('recipient must be identity or gateway');
  const plaintext = new TextEncoder().encode(typeof secret === 'string' ? secret : '');
  if (plaintext.length === 0 || plaintext.length > MAX_SECRET_BYTES) throw new KeyTransportError(`a wrapped secret is 1 to ${MAX_SECRET_BYTES} bytes of text`);
  const jwe = await new CompactEncrypt(plaintext)
    .setProtectedHeader({ alg: 'A256KW', enc: 'A256GCM', kid: transport.id, cty: CONTENT_TYPE, [RECIPIENT_HEADER]: recipient, [SUBJECT_HEADER]: subject })
    .encrypt(transport.key);
  return { recipient, jwe };
}

/** What the caller expects a wrapped secret to be. */
export interface UnwrapSecretExpectations {
  /** Refuse a secret wrapped for another service. */
  recipient?: KeyRecipient;
  /** Refuse a secret that belongs to another record than this one, e.g. `provider:<id>`. */
  subject?: string;
}

/**
 * Opens a wrapped secret with the matching transport secret (by `kid`) and returns its text.
 * Refuses another recipient or subject than expected, a header that disagrees with the
 * envelope, a wrapped private key, an unknown `kid`, and a JWE that fails authentication.
 * Messages never contain secret material.
 */
export async function unwrapSecret(wrapped: WrappedSecret, transport: TransportSecret | readonly TransportSecret[], expected: UnwrapSecretExpectations = {}): Promise<string> {
  if (expected.recipient !== undefined && wrapped.recipient !== expected.recipient) {
    throw new KeyTransportError(`secret is wrapped for ${wrapped.recipient}, not for ${expected.recipient}`);
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(wrapped.jwe) as Record<string, unknown>;
  } catch (error) {
    throw new KeyTransportError('wrapped secret is not a compact JWE', { cause: error });
  }
  if (header.alg !== 'A256KW' || header.enc !== 'A256GCM') throw new KeyTransportError('wrapped secret must use alg A256KW and enc A256GCM');
  if (header.cty !== CONTENT_TYPE) throw new KeyTransportError(`wrapped secret must have cty ${CONTENT_TYPE}`);
  if (header.zip !== undefined) throw new KeyTransportError('wrapped secret must not be compressed');
  if (header[RECIPIENT_HEADER] !== wrapped.recipient) throw new KeyTransportError(`wrapped secret header names another recipient than ${wrapped.recipient}`);
  if (expected.subject !== undefined && header[SUBJECT_HEADER] !== expected.subject) {
    throw new KeyTransportError(`wrapped secret belongs to ${String(header[SUBJECT_HEADER])}, not to ${expected.subject}`);
  }
  const secrets = Array.isArray(transport) ? (transport as readonly TransportSecret[]) : [transport as TransportSecret];
  const match = secrets.find((candidate) => candidate.id === header.kid);
  if (!match) throw new KeyTransportError(`wrapped secret was made with transport secret "${String(header.kid)}", which this service does not hold`);
  checkTransport(match);
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(wrapped.jwe, match.key, { keyManagementAlgorithms: ['A256KW'], contentEncryptionAlgorithms: ['A256GCM'] }));
  } catch (error) {
    throw new KeyTransportError(`wrapped secret does not open with transport secret "${match.id}"`, { cause: error });
  }
  try {
    return utf8.decode(plaintext);
  } catch (error) {
    throw new KeyTransportError('wrapped secret does not hold UTF-8 text', { cause: error });
  }
}
