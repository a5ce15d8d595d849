import { sign } from 'node:crypto';
import type { SigningMaterial } from '../keys/signing-material';

/**
 * Compact JWS of `payload` with node:crypto (no WebCrypto round trips): header.payload.signature.
 * The signature is computed on libuv's thread pool (node:crypto's callback form), so the event
 * loop parses and answers other token requests meanwhile.
 */
export function signCompactJws(material: SigningMaterial, payload: Record<string, unknown>): Promise<string> {
  const input = `${material.encodedHeader}.${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
  return new Promise((resolve, reject) => {
    sign(material.digest, Buffer.from(input, 'latin1'), material.signKey, (error, signature) => {
      if (error) reject(error);
      else resolve(`${input}.${signature.toString('base64url')}`);
    });
  });
}
