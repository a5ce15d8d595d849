// client_credentials throughput of identity (JWS and nested JWE) next to oidc-provider
// configured equivalently. Run after `npm run build`:
//   node dist/services/identity/bench/tokens.bench.js
// Kafka and Postgres come from KAFKA_BROKERS / DATABASE_URL, else as for the tests.
// BENCH_DURATION_SECONDS (10), BENCH_CONNECTIONS (32), BENCH_WARMUP_SECONDS (3), BENCH_ROUNDS (3):
// every target is measured once per round, in turn, and the median round is reported. Besides
// wall-clock tokens/s, each run reads the server process's CPU time from /proc: tokens per
// CPU-second is what one dedicated core sustains, and it stays comparable when other work
// on the machine steals CPU from one run and not the other. The comparison uses it.
// BENCH_JSON: also write the results as JSON to that file (each with its measured time window).
// The oidc-provider peer comes from bench/peers, installed on first use with `npm ci --prefix
// bench/peers --ignore-scripts` as `npm run bench` does (BENCH_NO_INSTALL=1: do not install);
// OIDC_PROVIDER_MODULE may name another copy.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wrapPrivateKey } from '@gatehouse/auth';
import { ApiStateV1, KeyStateV1, SubscriptionStateV1 } from '@gatehouse/contracts';
import { deleteTopicsWithPrefix, dropDatabase, ensureDatabase, repoRoot, startInfra, uniqueSuffix } from '@gatehouse/devstack';
import { createKafka, EventProducer } from '@gatehouse/messaging';
import { createLogger } from '@gatehouse/observability';
import { compactDecrypt, createRemoteJWKSet, importJWK, jwtVerify } from 'jose';
import { ensurePeers, peerModule } from '../../../bench/lib/peers';
import { type Child, freePort, keyPair, type KeyPair, runScript, waitFor } from './bench-processes';
import { type LoadOptions, type LoadResult, type LoadTarget, measure, median, table } from './bench-load';

const AUDIENCE = 'https://bench.api.test';
const options: LoadOptions = {
  durationSeconds: Number(process.env.BENCH_DURATION_SECONDS ?? 10),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 3),
};
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const body = `grant_type=client_credentials&resource=${encodeURIComponent(AUDIENCE)}`;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function postToken(target: LoadTarget): Promise<string> {
  const response = await fetch(target.url, { method: 'POST', headers: { authorization: target.authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: target.body });
  const answer = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || !answer.access_token) throw new Error(`${target.server} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer.access_token;
}

async function admin(baseUrl: string, token: string, path: string, payload: unknown): Promise<any> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Starts identity from dist as its own process, feeds it keys and catalog state, and registers two applications. */
async function startIdentity(infra: { kafkaBrokers: string; databaseUrl: string }, prefix: string, signing: KeyPair, encryption: KeyPair) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const identitySecret = { id: 'bench-identity', key: new Uint8Array(randomBytes(32)) };
  const gatewaySecret = { id: 'bench-gateway', key: new Uint8Array(randomBytes(32)) };
  const adminToken = randomBytes(24).toString('base64url');
  const child = runScript('../src/main.js', {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: infra.databaseUrl,
    KAFKA_BROKERS: infra.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: prefix,
    TOKEN_ISSUER: baseUrl,
    KEY_TRANSPORT_SECRET: `${identitySecret.id}:${Buffer.from(identitySecret.key).toString('base64url')}`,
    IDENTITY_SECRET_PEPPER: randomBytes(32).toString('base64url'),
    ADMIN_BOOTSTRAP_TOKEN: adminToken,
    BOOTSTRAP_TENANT: 'bench',
  });
  try {
    await waitFor('identity to listen', async () => (await fetch(`${baseUrl}/health/live`)).ok);
    const kafka = createKafka({ clientId: 'gatehouse-bench', brokers: infra.kafkaBrokers.split(','), logger: createLogger({ service: 'bench', level: 'error' }) });
    const producer = new EventProducer(kafka, { prefix, source: '/gatehouse/bench' });
    await producer.connect();
    const at = new Date(Date.now() - 60_000).toISOString();
    for (const [key, recipient, secret] of [
      [signing, 'identity', identitySecret],
      [encryption, 'gateway', gatewaySecret],
    ] as const) {
      const signingKey = key === signing;
      await producer.publish(KeyStateV1, {
        kid: key.kid,
        keySetId: signingKey ? 'ks-bench-signing' : 'ks-bench-encryption',
        purpose: signingKey ? 'access-token-signing' : 'access-token-encryption',
        tenantId: null,
        alg: key.publicJwk.alg,
        state: 'active',
        publicJwk: key.publicJwk,
        privateKey: await wrapPrivateKey(key.privateJwk, recipient, secret),
        activatesAt: at,
        retiresAt: null,
        verifiableUntil: null,
        createdAt: at,
      });
    }
    await waitFor('identity to be ready', async () => (await fetch(`${baseUrl}/health/ready`)).ok);
    const team = await admin(baseUrl, adminToken, '/admin/tenants/bench/teams', { name: 'bench' });
    const targets: LoadTarget[] = [];
    for (const [label, sealed] of [
      ['JWS (ES256)', false],
      ['nested JWE (ES256 in ECDH-ES+A256KW/A256GCM)', true],
    ] as const) {
      const application = await admin(baseUrl, adminToken, '/admin/tenants/bench/applications', { teamId: team.id, name: label, allowedScopes: ['read', 'write'], requireEncryptedTokens: sealed });
      const secret = await admin(baseUrl, adminToken, `/admin/tenants/bench/applications/${application.id}/credentials/secrets`, {});
      await producer.publish(SubscriptionStateV1, {
        subscriptionId: `sub-${application.id}`,
        tenantId: 'bench',
        applicationTenantId: 'bench',
        apiId: 'api-bench',
        audience: AUDIENCE,
        applicationId: application.id,
        planId: 'plan-bench',
        status: 'approved',
        scopes: ['read', 'write'],
        updatedAt: new Date().toISOString(),
      });
      targets.push({ server: 'identity', pid: child.process.pid, token: label, url: `${baseUrl}/oauth2/token`, authorization: basic(application.id, secret.clientSecret), body });
    }
    await producer.publish(ApiStateV1, { apiId: 'api-bench', tenantId: 'bench', teamId: team.id, name: 'bench', audience: AUDIENCE, visibility: 'tenant', requireEncryptedTokens: false, scopes: ['read', 'write'], updatedAt: new Date().toISOString() });
    await producer.disconnect();
    for (const target of targets) await waitFor(`a token for ${target.token}`, async () => Boolean(await postToken(target)));
    const jws = await postToken(targets[0]!);
    await jwtVerify(jws, createRemoteJWKSet(new URL(`${baseUrl}/.well-known/jwks.json`)), { issuer: baseUrl, audience: AUDIENCE, typ: 'at+jwt' });
    const { plaintext } = await compactDecrypt(await postToken(targets[1]!), await importJWK(encryption.privateJwk, 'ECDH-ES+A256KW'));
    await jwtVerify(new TextDecoder().decode(plaintext), createRemoteJWKSet(new URL(`${baseUrl}/.well-known/jwks.json`)), { issuer: baseUrl, audience: AUDIENCE });
    return { child, targets };
  } catch (error) {
    log(child.output());
    await child.stop();
    throw error;
  }
}

/** Where the peer process loads oidc-provider from: OIDC_PROVIDER_MODULE, else bench/peers (installed on first use), else the project's node_modules. */
async function locatePeer(): Promise<{ module: string | null; note: string }> {
  const explicit = process.env.OIDC_PROVIDER_MODULE;
  if (explicit) return { module: explicit, note: `oidc-provider from OIDC_PROVIDER_MODULE=${explicit}` };
  const peers = await ensurePeers(process.env.BENCH_PEERS_DIR ?? join(repoRoot(__dirname), 'bench', 'peers'), process.env.BENCH_NO_INSTALL !== '1', log);
  const fromPeers = peerModule(peers, 'oidc-provider');
  if (fromPeers) return { module: fromPeers, note: peers.note };
  try {
    return { module: require.resolve('oidc-provider'), note: `oidc-provider from the project's node_modules (${peers.note})` };
  } catch {
    return { module: null, note: peers.note };
  }
}

async function startPeer(signing: KeyPair, moduleName: string): Promise<{ child: Child; target: LoadTarget }> {
  const port = await freePort();
  const clientId = 'bench-client';
  const clientSecret = randomBytes(32).toString('base64url');
  const child = runScript('./oidc-provider-peer.js', {
    NODE_ENV: 'production',
    PEER_PORT: String(port),
    PEER_CLIENT_ID: clientId,
    PEER_CLIENT_SECRET: clientSecret,
    PEER_RESOURCE: AUDIENCE,
    PEER_JWK: JSON.stringify(signing.privateJwk),
    OIDC_PROVIDER_MODULE: moduleName,
  });
  const target: LoadTarget = { server: 'oidc-provider', pid: child.process.pid, token: 'JWS (ES256)', url: `http://127.0.0.1:${port}/token`, authorization: basic(clientId, clientSecret), body };
  try {
    await waitFor('oidc-provider to listen', async () => Boolean(await postToken(target)), 30_000);
    const token = await postToken(target);
    await jwtVerify(token, createRemoteJWKSet(new URL(`http://127.0.0.1:${port}/jwks`)), { audience: AUDIENCE, algorithms: ['ES256'] });
    return { child, target };
  } catch (error) {
    log(child.output());
    await child.stop();
    throw error;
  }
}

async function main(): Promise<void> {
  const infra = await startInfra({ mode: 'test', log });
  const suffix = uniqueSuffix();
  const database = `gatehouse_bench_${suffix}`;
  const prefix = `bench-${suffix}.`;
  const children: Child[] = [];
  const results: LoadResult[] = [];
  try {
    const databaseUrl = await ensureDatabase(infra.databaseUrl, database);
    const signing = keyPair('ES256');
    const identity = await startIdentity({ kafkaBrokers: infra.kafkaBrokers, databaseUrl }, prefix, signing, keyPair('ECDH-ES+A256KW'));
    children.push(identity.child);
    const located = await locatePeer();
    log(located.note);
    const peer = located.module ? await startPeer(signing, located.module) : null;
    if (peer) children.push(peer.child);
    // BENCH_ONLY=jws,jwe,peer limits the rows (e.g. to profile one of them).
    const only = process.env.BENCH_ONLY?.split(',');
    const kinds = ['jws', 'jwe', 'peer'];
    const targets = [...identity.targets, ...(peer ? [peer.target] : [])].filter((_, index) => !only || only.includes(kinds[index]!));
    const runs = targets.map(() => [] as LoadResult[]);
    const windows = targets.map(() => ({ startedAt: Number.POSITIVE_INFINITY, endedAt: 0 }));
    for (let round = 1; round <= rounds; round += 1) {
      for (const [index, target] of targets.entries()) {
        const startedAt = Date.now();
        const result = await measure(target, { ...options, warmupSeconds: round === 1 ? options.warmupSeconds : 0 });
        windows[index] = { startedAt: Math.min(windows[index]!.startedAt, startedAt), endedAt: Date.now() };
        log(`round ${round}/${rounds}: ${target.server}, ${target.token}: ${result.requestsPerSecond.toFixed(0)} tokens/s, ${result.perCpuSecond?.toFixed(0) ?? 'n/a'} per CPU-second`);
        runs[index]!.push(result);
      }
    }
    results.push(...runs.map(median));
    if (process.env.BENCH_JSON) {
      const json = { node: process.version, rounds, ...options, results: results.map((result, index) => ({ ...result, authorization: undefined, body: undefined, ...windows[index] })) };
      writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(json, null, 2)}\n`);
    }
    process.stdout.write(
      `\nclient_credentials, ${options.connections} connections, median of ${rounds} rounds of ${options.durationSeconds} s (after ${options.warmupSeconds} s warm-up), Node ${process.version}\n\n`,
    );
    process.stdout.write(`${table(results)}\n\n`);
    const ours = results.find((result) => result.server === 'identity' && result.token.startsWith('JWS'));
    const theirs = results.find((result) => result.server === 'oidc-provider');
    if (ours && theirs) {
      const efficiency = ours.perCpuSecond && theirs.perCpuSecond ? `${(ours.perCpuSecond / theirs.perCpuSecond).toFixed(2)}x per CPU-second, ` : '';
      process.stdout.write(`identity JWS / oidc-provider JWS: ${efficiency}${(ours.requestsPerSecond / theirs.requestsPerSecond).toFixed(2)}x wall (target: at least 2x)\n`);
    } else if (!peer) {
      process.stdout.write(`oidc-provider: no peer row (${located.note})\n`);
    }
    if (results.some((result) => result.failures > 0)) process.exitCode = 1;
  } finally {
    await Promise.allSettled(children.map((child) => child.stop()));
    await dropDatabase(infra.databaseUrl, database).catch(() => undefined);
    await deleteTopicsWithPrefix(infra.kafkaBrokers, prefix).catch(() => undefined);
    await infra.stop();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
