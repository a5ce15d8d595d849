import { sign } from 'node:crypto';
import type { SigningMaterial } from '../keys/signing-material';

/** Compact JWS of `payload` with node:crypto (no WebCrypto round trips): header.payload.signature. */
export function signCompactJws(material: SigningMaterial, payload: Record<string, unknown>): string {
  const input = `${material.encodedHeader}.${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
  const signature = sign(material.digest, Buffer.from(input, 'latin1'), material.signKey);
  return `${input}.${signature.toString('base64url')}`;
}
