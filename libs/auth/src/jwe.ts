import { constants, createDecipheriv, createHash, createPublicKey, diffieHellman, type KeyObject, privateDecrypt, randomBytes } from 'node:crypto';
import { decodeBase64url, decodeJsonObject } from './base64url';
import { TokenError } from './errors';
import { checkCommonHeader, kidOf, mediaTypeIs } from './jose-header';
import type { DecryptionKey } from './key-material';
import type { DecryptionKeyRing, RingKey } from './key-ring';

const allowedAlgorithms: ReadonlySet<string> = new Set(['ECDH-ES+A256KW', 'RSA-OAEP-256']);
const AES_KW_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
const CEK_BYTES = 32;

export interface DecryptedJwe {
  readonly key: RingKey<DecryptionKey>;
  /** The nested token, already checked to be a three-segment compact JWS. */
  readonly nested: string;
}

/**
 * Decrypts a compact JWE whose payload is a signed access token. Every header check runs
 * before any cryptography: alg ECDH-ES+A256KW or RSA-OAEP-256 only (so PBES2, `dir` and
 * RSA1_5 are refused), enc A256GCM only, no `zip`, no remote keys, no `crit`, `cty` JWT,
 * key from the local ring and bound to the header's alg. Decryption uses node:crypto
 * synchronously; an `epk` must be a valid point on the key's own curve.
 */
export function decryptJwe(segments: readonly string[], keys: DecryptionKeyRing, now: number, counters?: { decryptions: number }): DecryptedJwe {
  const header = decodeJsonObject(segments[0]!);
  if (header === null) throw new TokenError('ERR_TOKEN_MALFORMED', 'token header is not base64url-encoded JSON object');
  if (typeof header.alg !== 'string' || !allowedAlgorithms.has(header.alg)) throw new TokenError('ERR_TOKEN_ALG', 'token alg is not one of ECDH-ES+A256KW, RSA-OAEP-256');
  if (header.enc !== 'A256GCM') throw new TokenError('ERR_TOKEN_ALG', 'token enc is not A256GCM');
  checkCommonHeader(header);
  if (header.zip !== undefined) throw new TokenError('ERR_TOKEN_HEADER', 'token header carries "zip"; compression is not accepted');
  if (!mediaTypeIs(header.cty, 'jwt')) throw new TokenError('ERR_TOKEN_TYPE', 'an encrypted token must have cty JWT');
  if (header.typ !== undefined && !mediaTypeIs(header.typ, 'jwt', 'at+jwt')) throw new TokenError('ERR_TOKEN_TYPE', 'an encrypted token typ must be JWT or at+jwt');
  const key = keys.resolve(kidOf(header), now);
  const material = key.material;
  if (header.alg !== material.alg) throw new TokenError('ERR_TOKEN_ALG', `token alg differs from the ${material.alg} its key is bound to`);
  const [encryptedKey, iv, ciphertext, tag] = segments.slice(1).map(decodeBase64url);
  if (!encryptedKey || !iv || !ciphertext || !tag) throw new TokenError('ERR_TOKEN_MALFORMED', 'a token segment is not base64url');
  if (iv.length !== 12 || tag.length !== 16) throw new TokenError('ERR_TOKEN_MALFORMED', 'A256GCM needs a 96-bit iv and a 128-bit tag');
  if (counters) counters.decryptions += 1;
  const cek = material.alg === 'ECDH-ES+A256KW' ? ecdhContentKey(header, material, encryptedKey) : rsaContentKey(material, encryptedKey);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', cek, iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(segments[0]!, 'latin1'));
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (error) {
    throw new TokenError('ERR_TOKEN_DECRYPTION', 'token could not be decrypted', { cause: error });
  }
  const nested = plaintext.toString('latin1');
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(nested)) {
    throw new TokenError('ERR_TOKEN_MALFORMED', 'an encrypted token must hold a signed JWT (compact JWS), nothing else');
  }
  return { key, nested };
}

function ecdhContentKey(header: Record<string, unknown>, material: DecryptionKey, encryptedKey: Buffer): Buffer {
  const epk = ephemeralKey(header.epk, material.curve!);
  const apu = optionalBytes(header.apu, 'apu');
  const apv = optionalBytes(header.apv, 'apv');
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey: material.privateKey, publicKey: epk });
  } catch (error) {
    throw new TokenError('ERR_TOKEN_DECRYPTION', 'token could not be decrypted', { cause: error });
  }
  if (shared.every((byte) => byte === 0)) throw new TokenError('ERR_TOKEN_HEADER', 'token epk is a low-order point');
  const kek = concatKdf(shared, material.alg, apu, apv);
  if (encryptedKey.length !== CEK_BYTES + 8) throw new TokenError('ERR_TOKEN_MALFORMED', 'encrypted key has the wrong length for A256KW');
  try {
    const decipher = createDecipheriv('id-aes256-wrap', kek, AES_KW_IV);
    return Buffer.concat([decipher.update(encryptedKey), decipher.final()]);
  } catch (error) {
    throw new TokenError('ERR_TOKEN_DECRYPTION', 'token could not be decrypted', { cause: error });
  }
}

function rsaContentKey(material: DecryptionKey, encryptedKey: Buffer): Buffer {
  if (encryptedKey.length !== material.modulusBytes) throw new TokenError('ERR_TOKEN_MALFORMED', 'encrypted key has the wrong length for the RSA key');
  // RFC 7516 section 11.5: carry on with a random key on failure, so the outcome is the
  // same authentication failure whatever went wrong.
  try {
    const cek = privateDecrypt({ key: material.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, encryptedKey);
    if (cek.length === CEK_BYTES) return cek;
  } catch {
    // fall through
  }
  return randomBytes(CEK_BYTES);
}

function ephemeralKey(epk: unknown, curve: string): KeyObject {
  const kty = curve === 'X25519' ? 'OKP' : 'EC';
  if (typeof epk !== 'object' || epk === null) throw new TokenError('ERR_TOKEN_HEADER', 'token header has no epk');
  const { kty: givenKty, crv, x, y } = epk as Record<string, unknown>;
  if (givenKty !== kty || crv !== curve || typeof x !== 'string' || (kty === 'EC' ? typeof y !== 'string' : y !== undefined)) {
    throw new TokenError('ERR_TOKEN_HEADER', "token epk is not a public key on the decryption key's curve");
  }
  try {
    return createPublicKey({ key: kty === 'EC' ? { kty, crv, x, y: y as string } : { kty, crv, x }, format: 'jwk' });
  } catch (error) {
    throw new TokenError('ERR_TOKEN_HEADER', "token epk is not a valid point on the decryption key's curve", { cause: error });
  }
}

function optionalBytes(value: unknown, name: string): Buffer {
  if (value === undefined) return Buffer.alloc(0);
  const bytes = typeof value === 'string' ? decodeBase64url(value) : null;
  if (bytes === null) throw new TokenError('ERR_TOKEN_MALFORMED', `token ${name} is not base64url`);
  return bytes;
}

const uint32 = (value: number): Buffer => {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
};

/** Concat KDF (NIST SP 800-56A) as profiled by RFC 7518 section 4.6.2, one SHA-256 round. */
function concatKdf(shared: Buffer, alg: string, apu: Buffer, apv: Buffer): Buffer {
  const algorithmId = Buffer.from(alg, 'ascii');
  return createHash('sha256')
    .update(uint32(1))
    .update(shared)
    .update(Buffer.concat([uint32(algorithmId.length), algorithmId, uint32(apu.length), apu, uint32(apv.length), apv, uint32(CEK_BYTES * 8)]))
    .digest();
}
