import { AdminClient, eventually } from './admin-client';
import type { ChaosInfra } from './chaos-infra';
import type { ChaosPlatform } from './chaos-platform';
import type { Lane } from './seed';
import type { TokenBook } from './token-book';
import type { Traffic } from './traffic';

export interface FaultContext {
  readonly platform: ChaosPlatform;
  readonly infra: ChaosInfra;
  readonly tokens: TokenBook;
  readonly traffic: Traffic;
  readonly lanes: readonly Lane[];
  readonly phase: string;
  readonly log: (line: string) => void;
}

export interface FaultTiming {
  readonly injectedAt: number;
  /** When the platform was whole again (see `recovery` for what that means for this fault). */
  readonly recoveredAt: number;
  /** While this window lasts the faulty part is down (Kafka, Postgres): serving is judged inside it. */
  readonly downUntil?: number;
  readonly details: string[];
  /** Set when the platform did not recover: the phase is judged on what happened until then. */
  readonly failure?: string;
}

export interface Fault {
  readonly name: string;
  /** What "recovered" means for this fault. */
  readonly recovery: string;
  /** Targets: every request answered 2xx during the phase; serving throughout the outage. */
  readonly zeroFailures: boolean;
  readonly servingThroughout: boolean;
  /** Target: the token endpoint keeps answering (key rotations must not interrupt it). */
  readonly zeroTokenFailures: boolean;
  /** Why the fault cannot run here, or null. */
  skipped(context: FaultContext): string | null;
  inject(context: FaultContext): Promise<FaultTiming>;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Rotates a platform key set, then waits until identity issues tokens under the new key. */
function rotation(name: string, keySetId: string, encrypted: boolean): Fault {
  return {
    name,
    recovery: 'every application holds a token under the new key',
    zeroFailures: true,
    servingThroughout: false,
    zeroTokenFailures: true,
    skipped: () => null,
    async inject(context) {
      const keys = new AdminClient(context.platform.urls.keys, context.platform.adminToken);
      const before = (await keys.get<{ activeKid: string }>(`/admin/key-sets/${keySetId}`)).activeKid;
      const injectedAt = Date.now();
      const outcome = await keys.post<{ status: string; activeKid?: string; pendingKid?: string }>(`/admin/key-sets/${keySetId}/rotate`);
      const activeKid =
        outcome.status === 'activated'
          ? outcome.activeKid!
          : await eventually('the scheduled rotation', async () => {
              const set = await keys.get<{ activeKid: string }>(`/admin/key-sets/${keySetId}`);
              return set.activeKid !== before ? set.activeKid : undefined;
            });
      const activatedAt = Date.now();
      // A JWS shows its signing kid; a JWE only its encryption kid.
      const watched = context.lanes.filter((lane) => lane.app.encrypted === encrypted);
      await eventually(
        `tokens under ${activeKid}`,
        async () => {
          await context.tokens.refreshAll();
          return watched.every((lane) => context.tokens.newest(lane)?.kid === activeKid) ? true : undefined;
        },
        30_000,
        250,
      );
      const recoveredAt = Date.now();
      return {
        injectedAt,
        recoveredAt,
        details: [`${keySetId}: ${before} → ${activeKid} (${outcome.status} by the rotate call, active after ${seconds(activatedAt - injectedAt)}); new tokens alternate with tokens of the old key`],
      };
    },
  };
}

/** Stops a service (gracefully or with SIGKILL), starts it again and waits until it is ready. */
function serviceRestart(name: string, service: string, how: 'graceful' | 'kill', zeroFailures: boolean): Fault {
  return {
    name,
    recovery: service.startsWith('gateway') ? 'the replica is ready and answers 2xx again' : 'the service reports ready again',
    zeroFailures,
    servingThroughout: false,
    zeroTokenFailures: false,
    skipped: () => null,
    async inject(context) {
      const pid = context.platform.pidOf(service);
      const injectedAt = Date.now();
      await context.platform.stopService(service, how);
      const stoppedAt = Date.now();
      await context.platform.startService(service);
      let recoveredAt = Date.now();
      if (service.startsWith('gateway')) {
        const ready = recoveredAt;
        recoveredAt = await eventually(`${service} to serve`, async () => context.traffic.of(context.phase).find((record) => record.ok && record.doneAt >= ready && record.attempts.at(-1)!.replica === service)?.doneAt, 30_000, 100);
      }
      return {
        injectedAt,
        recoveredAt,
        details: [`${service} (pid ${pid}) ${how === 'kill' ? 'killed with SIGKILL' : 'stopped with SIGTERM'}: down after ${seconds(stoppedAt - injectedAt)}, ready again ${seconds(recoveredAt - stoppedAt)} later`],
      };
    },
  };
}

/** Restarts a piece of infrastructure, then waits until every service reports ready. */
function infraRestart(name: string, part: 'kafka' | 'postgres'): Fault {
  return {
    name,
    recovery: 'the broker or server is back and every service reports ready',
    zeroFailures: false,
    servingThroughout: true,
    zeroTokenFailures: false,
    skipped: (context) => (context.infra[part].restart ? null : (context.infra[part].cannotRestart ?? 'cannot restart')),
    async inject(context) {
      const injectedAt = Date.now();
      const { downMs } = await context.infra[part].restart!();
      const backAt = Date.now();
      const failure = await allReady(context.platform, 90_000);
      const recoveredAt = Date.now();
      return {
        injectedAt,
        recoveredAt,
        downUntil: backAt,
        details: [`${context.infra[part].describe}: stopped and started again in ${seconds(downMs)}; ${failure ? 'the platform did not recover' : `every service ready ${seconds(recoveredAt - backAt)} after that`}`],
        ...(failure ? { failure } : {}),
      };
    },
  };
}

/** Waits until every service reports ready; returns why not (naming each service and its readiness answer) when it does not. */
async function allReady(platform: ChaosPlatform, timeoutMs: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exited = platform.exited();
    if (exited.length > 0) return `${exited.join(', ')} exited`;
    const notReady = await platform.notReady();
    if (notReady.length === 0) return null;
    if (Date.now() > deadline) {
      const answers = await Promise.all(notReady.map(async (name) => `${name} answers ${await platform.readiness(name)}`));
      return `not ready ${timeoutMs / 1000} s after the restart: ${answers.join('; ')}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The faults, in the order they run. */
export const FAULTS: readonly Fault[] = [
  rotation('rotate signing keys', 'platform-access-token-signing', false),
  rotation('rotate encryption keys', 'platform-access-token-encryption', true),
  serviceRestart('restart one of two gateway replicas', 'gateway-b', 'graceful', false),
  serviceRestart('kill and restart metering', 'metering', 'kill', true),
  serviceRestart('kill and restart identity', 'identity', 'kill', true),
  infraRestart('restart the Kafka broker', 'kafka'),
  infraRestart('restart Postgres', 'postgres'),
];
