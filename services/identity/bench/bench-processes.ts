import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { PublicJwk } from '@gatehouse/contracts';
import type { JWK } from 'jose';

export const freePort = () =>
  new Promise<number>((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

export interface KeyPair {
  kid: string;
  publicJwk: PublicJwk;
  privateJwk: JWK;
}

/** Keys as the keys service would publish them (the bench plays the keys service). */
export function keyPair(alg: 'ES256' | 'ECDH-ES+A256KW'): KeyPair {
  const kid = `bench-${alg.toLowerCase()}-${randomBytes(3).toString('hex')}`;
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const use = alg === 'ES256' ? 'sig' : 'enc';
  return {
    kid,
    publicJwk: { ...(publicKey.export({ format: 'jwk' }) as object), kid, alg, use } as PublicJwk,
    privateJwk: { ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg, use },
  };
}

export interface Child {
  readonly process: ChildProcess;
  stop(): Promise<void>;
  /** The last lines it wrote to stderr, for error reports. */
  output(): string;
}

/** Runs a compiled script of this repository as a child process with `env` added. */
export function runScript(relativeToDist: string, env: Record<string, string>): Child {
  const script = resolve(__dirname, relativeToDist);
  // BENCH_PROFILE_DIR: write a CPU profile of each server process there.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    process: child,
    output: () => tail,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}
