import { createHmac, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { b64, claims, keyState, rawSignature, signToken, testKey } from './testing/token-factory';
import { refusal } from './testing/refusal';
import { verifierFixture } from './testing/verifier-fixture';

function setup(alg: 'ES256' | 'RS256' = 'ES256') {
  const fixture = verifierFixture();
  const key = testKey(alg);
  fixture.keys.apply(keyState(key), key.kid);
  return { ...fixture, key };
}

const header = (key: { kid: string; alg: string }, extra: Record<string, unknown> = {}) => ({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...extra });

describe('TokenVerifier refuses forged signed tokens', () => {
  it('refuses alg none with an empty signature', () => {
    const { verifier, key } = setup();
    const token = `${b64({ alg: 'none', kid: key.kid, typ: 'at+jwt' })}.${b64(claims())}.`;
    expect(refusal(() => verifier.verify(token))).toBe('ERR_TOKEN_ALG');
  });

  it('refuses HS256 signed with the RSA public key as HMAC secret (RS/HS confusion)', () => {
    const { verifier, key } = setup('RS256');
    const input = `${b64(header(key, { alg: 'HS256' }))}.${b64(claims())}`;
    const pem = createPublicKey(key.privateKey).export({ format: 'pem', type: 'spki' });
    for (const secret of [pem, JSON.stringify(key.publicJwk)]) {
      const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      expect(refusal(() => verifier.verify(token))).toBe('ERR_TOKEN_ALG');
    }
  });

  it('refuses a header alg that differs from the alg the key is bound to', () => {
    const { verifier, key } = setup('RS256');
    const input = `${b64(header(key, { alg: 'PS256' }))}.${b64(claims())}`;
    const token = `${input}.${rawSignature({ ...key, alg: 'PS256' }, input).toString('base64url')}`;
    expect(refusal(() => verifier.verify(token))).toBe('ERR_TOKEN_ALG');
  });

  it.each(['jku', 'x5u', 'x5c'] as const)('refuses a token carrying %s', (member) => {
    const { verifier, key } = setup();
    const value = member === 'x5c' ? ['MIIB'] : 'https://evil.test/keys';
    expect(refusal(() => verifier.verify(signToken(key, claims(), { [member]: value })))).toBe('ERR_TOKEN_HEADER');
  });

  it('refuses a token carrying its own jwk, even one that verifies the signature', () => {
    const { verifier, key } = setup();
    const attacker = testKey('ES256', { kid: key.kid });
    expect(refusal(() => verifier.verify(signToken(attacker, claims(), { jwk: attacker.publicJwk })))).toBe('ERR_TOKEN_HEADER');
    expect(refusal(() => verifier.verify(signToken(attacker, claims())))).toBe('ERR_TOKEN_SIGNATURE');
  });

  it.each(['../../../../etc/passwd', "' OR '1'='1' --", '__proto__', 'constructor', 'https://evil.test/key.json', 'x'.repeat(300)])('treats kid %s as an unknown key id', (kid) => {
    const { verifier } = setup();
    const attacker = testKey('ES256', { kid });
    expect(refusal(() => verifier.verify(signToken(attacker, claims())))).toBe('ERR_TOKEN_KID_UNKNOWN');
  });

  it('refuses a token without kid and one with a non-string kid', () => {
    const { verifier, key } = setup();
    expect(refusal(() => verifier.verify(signToken(key, claims(), { kid: undefined })))).toBe('ERR_TOKEN_KID_UNKNOWN');
    expect(refusal(() => verifier.verify(signToken(key, claims(), { kid: ['a'] })))).toBe('ERR_TOKEN_KID_UNKNOWN');
  });

  it.each([['JWT'], [undefined], ['at+jwt+x'], [42]])('refuses typ %s', (typ) => {
    const { verifier, key } = setup();
    expect(refusal(() => verifier.verify(signToken(key, claims(), { typ })))).toBe('ERR_TOKEN_TYPE');
  });

  it('refuses an unknown crit extension', () => {
    const { verifier, key } = setup();
    expect(refusal(() => verifier.verify(signToken(key, claims(), { crit: ['urn:evil:ext'], 'urn:evil:ext': true })))).toBe('ERR_TOKEN_CRIT');
    expect(refusal(() => verifier.verify(signToken(key, claims(), { crit: [] })))).toBe('ERR_TOKEN_CRIT');
  });

  it('refuses b64:false (unencoded payload), with or without crit', () => {
    const { verifier, key } = setup();
    expect(refusal(() => verifier.verify(signToken(key, claims(), { b64: false })))).toBe('ERR_TOKEN_HEADER');
    expect(refusal(() => verifier.verify(signToken(key, claims(), { b64: false, crit: ['b64'] })))).toBe('ERR_TOKEN_CRIT');
  });

  it('refuses zip on a signed token', () => {
    const { verifier, key } = setup();
    expect(refusal(() => verifier.verify(signToken(key, claims(), { zip: 'DEF' })))).toBe('ERR_TOKEN_HEADER');
  });

  it('refuses a tampered payload and a signature by another key under the same kid', () => {
    const { verifier, key } = setup();
    const [h, , s] = signToken(key, claims()).split('.');
    expect(refusal(() => verifier.verify(`${h}.${b64(claims({ scope: 'admin' }))}.${s}`))).toBe('ERR_TOKEN_SIGNATURE');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const input = `${b64(header(key))}.${b64(claims())}`;
    const forged = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    expect(refusal(() => verifier.verify(`${input}.${forged}`))).toBe('ERR_TOKEN_SIGNATURE');
  });

  it('refuses a DER-encoded ES256 signature (wrong length)', () => {
    const { verifier, key } = setup();
    const input = `${b64(header(key))}.${b64(claims())}`;
    const der = sign('sha256', Buffer.from(input), key.privateKey).toString('base64url');
    expect(refusal(() => verifier.verify(`${input}.${der}`))).toBe('ERR_TOKEN_SIGNATURE');
  });

  it('refuses an oversized token before parsing it', () => {
    const { verifier, key } = setup();
    const token = signToken(key, claims({ padding: 'x'.repeat(9000) }));
    expect(refusal(() => verifier.verify(token))).toBe('ERR_TOKEN_TOO_LARGE');
    expect(verifier.stats.signatureChecks).toBe(0);
  });

  it('honours a smaller maxTokenBytes', () => {
    const { keys, verifier } = verifierFixture({ maxTokenBytes: 200 });
    const key = testKey('ES256');
    keys.apply(keyState(key), key.kid);
    expect(refusal(() => verifier.verify(signToken(key, claims())))).toBe('ERR_TOKEN_TOO_LARGE');
  });

  it('refuses malformed base64url and JSON', () => {
    const { verifier, key } = setup();
    const valid = signToken(key, claims());
    const [h, p, s] = valid.split('.') as [string, string, string];
    const cases = [
      '',
      'abc',
      `${h}.${p}`,
      `${h}.${p}.${s}.x`,
      `${h}=.${p}.${s}`,
      `${h}.${p}.${s}=`,
      `${h.replace(/-/g, '+').replace(/_/g, '/')}+/.${p}.${s}`,
      `${b64('not json')}.${p}.${s}`,
      `${b64([1, 2])}.${p}.${s}`,
      `${b64('null')}.${p}.${s}`,
      `${h}.${p}.${s}\u00e9`,
      `${h}.${p} .${s}`,
    ];
    for (const token of cases) expect(['ERR_TOKEN_MALFORMED', 'ERR_TOKEN_SIGNATURE']).toContain(refusal(() => verifier.verify(token)));
    expect(refusal(() => verifier.verify(`${h}=.${p}.${s}`))).toBe('ERR_TOKEN_MALFORMED');
    expect(refusal(() => verifier.verify(undefined as unknown as string))).toBe('ERR_TOKEN_MALFORMED');
  });

  it('refuses a non-canonical base64url header (non-zero trailing bits)', () => {
    const { verifier, key } = setup();
    const p = b64(claims());
    const headerText = JSON.stringify(header(key));
    const padded = headerText.length % 3 === 0 ? `${headerText} ` : headerText;
    const encoded = b64(padded);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(encoded.at(-1)!);
    const sibling = `${encoded.slice(0, -1)}${alphabet[last | 1]}`;
    expect(Buffer.from(sibling, 'base64url').equals(Buffer.from(encoded, 'base64url'))).toBe(true);
    const signature = rawSignature(key, `${sibling}.${p}`).toString('base64url');
    expect(refusal(() => verifier.verify(`${sibling}.${p}.${signature}`))).toBe('ERR_TOKEN_MALFORMED');
    expect(verifier.verify(`${encoded}.${p}.${rawSignature(key, `${encoded}.${p}`).toString('base64url')}`).kid).toBe(key.kid);
  });

  it('refuses a signed payload that is not a JSON object', () => {
    const { verifier, key } = setup();
    expect(refusal(() => verifier.verify(signToken(key, '[1,2,3]')))).toBe('ERR_TOKEN_MALFORMED');
    expect(refusal(() => verifier.verify(signToken(key, 'plain text')))).toBe('ERR_TOKEN_MALFORMED');
  });

  it('accepts duplicate JSON members by ignoring all but the last', () => {
    const { verifier, key } = setup();
    const payload = JSON.stringify(claims()).replace('{', '{"sub":"ignored",');
    expect(verifier.verify(signToken(key, payload)).subject).toBe('app-1');
  });
});

describe('TokenVerifier refuses tokens of unusable keys', () => {
  it('refuses an unknown kid', () => {
    const { verifier } = setup();
    expect(refusal(() => verifier.verify(signToken(testKey('ES256'), claims())))).toBe('ERR_TOKEN_KID_UNKNOWN');
  });

  it('refuses a revoked key', () => {
    const { keys, verifier, key } = setup();
    keys.apply(keyState(key, { state: 'revoked' }), key.kid);
    expect(refusal(() => verifier.verify(signToken(key, claims())))).toBe('ERR_TOKEN_KEY_REVOKED');
  });

  it.each(['retired', 'destroyed'] as const)('refuses a %s key', (state) => {
    const { keys, verifier, key } = setup();
    keys.apply(keyState(key, { state }), key.kid);
    expect(refusal(() => verifier.verify(signToken(key, claims())))).toBe('ERR_TOKEN_KEY_RETIRED');
  });

  it('refuses a retiring key past verifiableUntil', () => {
    const { keys, verifier, key, clock } = setup();
    keys.apply(keyState(key, { state: 'retiring', verifiableUntil: new Date(clock.now - 1).toISOString() }), key.kid);
    expect(refusal(() => verifier.verify(signToken(key, claims())))).toBe('ERR_TOKEN_KEY_RETIRED');
  });

  it('refuses a key removed by a tombstone', () => {
    const { keys, verifier, key } = setup();
    keys.apply(null, key.kid);
    expect(refusal(() => verifier.verify(signToken(key, claims())))).toBe('ERR_TOKEN_KID_UNKNOWN');
  });

  it('refuses tokens signed with an encryption key record', () => {
    const { keys, verifier } = verifierFixture();
    const key = testKey('ES256');
    keys.apply(keyState(key, { purpose: 'access-token-encryption' }), key.kid);
    expect(refusal(() => verifier.verify(signToken(key, claims())))).toBe('ERR_TOKEN_KID_UNKNOWN');
  });
});
