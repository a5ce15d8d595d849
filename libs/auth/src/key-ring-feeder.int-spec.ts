import { encodeEvent, type EventData, type EventDefinition, KeyStateV1, RevocationStateV1, Topics } from '@gatehouse/contracts';
import { isolatedTestEnv } from '@gatehouse/devstack';
import { createKafka, ensureTopics, topicName } from '@gatehouse/messaging';
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenError } from './errors';
import { DecryptionKeyRing, VerificationKeyRing } from './key-ring';
import { feedAuthState } from './key-ring-feeder';
import { RevocationStore } from './revocation-store';
import { TokenVerifier } from './token-verifier';
import { claims, encryptionKeyState, encryptToken, ISSUER, keyState, signToken, testKey, transportSecret } from './testing/token-factory';

const env = isolatedTestEnv('auth-feeder');
const kafka = createKafka({ clientId: 'auth-feeder-spec', brokers: env.kafkaBrokers.split(',') });
const secret = transportSecret();
let producer: Producer;

async function publish<D extends EventDefinition>(definition: D, data: EventData<D>): Promise<void> {
  const event = encodeEvent(definition, data, { source: 'auth-spec' });
  await producer.send({ topic: topicName(env.topicPrefix, definition.topic), messages: [{ key: event.key, value: event.value }] });
}

async function eventually(check: () => void, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      check();
      return Date.now() - started;
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const codeOf = (run: () => unknown): string | null => {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof TokenError ? error.code : String(error);
  }
};

describe('feedAuthState over real Kafka', () => {
  beforeAll(async () => {
    await ensureTopics(kafka, env.topicPrefix, [Topics.keyState, Topics.revocationState, Topics.applicationState]);
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
  });

  it('rebuilds the rings from the state topics, then applies revocations as they arrive', async () => {
    const signing = testKey('ES256');
    const encryption = testKey('ECDH-ES+A256KW');
    await publish(KeyStateV1, keyState(signing));
    await publish(KeyStateV1, await encryptionKeyState(encryption, secret));

    const keys = new VerificationKeyRing();
    const decryptionKeys = new DecryptionKeyRing({ transportSecrets: secret });
    const revocations = new RevocationStore();
    const verifier = new TokenVerifier({ issuer: ISSUER, keys, decryptionKeys, revocations });
    const reader = feedAuthState({ kafka, prefix: env.topicPrefix, groupId: 'auth-feeder-spec', keys, decryptionKeys, revocations, maxWaitTimeMs: 100 });
    try {
      await reader.start();
      await reader.caughtUp();
      const now = Math.floor(Date.now() / 1000);
      const jws = signToken(signing, claims({ iat: now, exp: now + 300, jti: 'int-jti-1' }));
      const jwe = await encryptToken(signToken(signing, claims({ iat: now, exp: now + 300 })), encryption);
      expect(verifier.verify(jws).jti).toBe('int-jti-1');
      expect(verifier.verify(jwe, { requireEncrypted: true }).encrypted).toBe(true);

      await publish(RevocationStateV1, {
        revocationId: 'jti:int-jti-1',
        tenantId: 'acme',
        kind: 'token',
        jti: 'int-jti-1',
        applicationId: null,
        subject: null,
        issuedBefore: null,
        expiresAt: new Date((now + 300) * 1000).toISOString(),
        reason: 'integration test',
        revokedAt: new Date().toISOString(),
      });
      const revokedAfterMs = await eventually(() => expect(codeOf(() => verifier.verify(jws))).toBe('ERR_TOKEN_REVOKED'));
      expect(revokedAfterMs).toBeLessThan(5_000);

      await publish(KeyStateV1, keyState(signing, { state: 'revoked' }));
      await eventually(() => expect(codeOf(() => verifier.verify(jwe))).toBe('ERR_TOKEN_KEY_REVOKED'));
    } finally {
      await reader.stop();
      verifier.close();
    }
  });
});
