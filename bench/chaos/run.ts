import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from '@gatehouse/devstack';
import { describeMachine } from '../lib/machine';
import { startChaosInfra, type ChaosInfra } from './chaos-infra';
import { ChaosPlatform } from './chaos-platform';
import { type ChaosReport, renderChaos } from './chaos-report';
import { FAULTS } from './faults';
import { PhaseRunner } from './phase-runner';
import { type Lane, seed } from './seed';
import { seedAi } from './seed-ai';
import { TokenBook } from './token-book';
import { Traffic } from './traffic';
import { startUpstream } from './upstream';
import { UsageCheck } from './usage-check';

/**
 * `npm run chaos`: the platform on its own Kafka broker and Postgres cluster, two gateway
 * replicas, steady traffic from several applications (JWS and JWE tokens) to two APIs, and one
 * fault at a time. Writes bench/results/chaos-latest.md and .json (plus a timestamped copy).
 * Env: CHAOS_RATE (requests/s, default 100), CHAOS_BUDGET_SECONDS (600), CHAOS_ONLY (run only the
 * faults whose name contains it, e.g. `kafka`), CHAOS_POSTGRES=machine (use the machine's server;
 * restarted only as root with CHAOS_ALLOW_POSTGRES_RESTART=1).
 */
const log = (line: string) => process.stderr.write(`[chaos] ${new Date().toISOString().slice(11, 19)} ${line}\n`);

async function main(): Promise<void> {
  const started = new Date();
  const budgetMs = Number(process.env.CHAOS_BUDGET_SECONDS ?? 600) * 1000;
  const rate = Number(process.env.CHAOS_RATE ?? 100);
  const root = repoRoot(__dirname);
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const results = join(root, 'bench', 'results');
  const workDir = join(results, 'logs', `chaos-${stamp}`);
  mkdirSync(workDir, { recursive: true });
  const machine = describeMachine();
  log(`logs in ${relative(root, workDir)}; budget ${budgetMs / 1000} s`);

  let infra: ChaosInfra | undefined;
  let platform: ChaosPlatform | undefined;
  let traffic: Traffic | undefined;
  let tokens: TokenBook | undefined;
  let closeAi: (() => Promise<void>) | undefined;
  const upstream = await startUpstream();
  try {
    infra = await startChaosInfra(root, log);
    platform = await ChaosPlatform.start({ root, kafkaBrokers: infra.kafkaBrokers, serverUrl: infra.serverUrl, workDir, log });
    const seeded = await seed(platform.urls, platform.adminToken, upstream.url);
    log(`seeded tenant ${seeded.tenant}: ${seeded.lanes.map((lane) => lane.name).join(', ')}`);
    tokens = new TokenBook(platform.urls.identity, seeded.lanes);
    if ((await tokens.refreshAll()) > 0) throw new Error(`tokens could not be issued: ${tokens.lastRefreshError}`);
    tokens.startBackground(60_000);
    traffic = new Traffic(platform.replicas, seeded.lanes, tokens, rate);
    const client = traffic;
    const ai = await seedAi(platform.urls, platform.adminToken, seeded, async (lane) => {
      if (!tokens!.newest(lane)) await tokens!.add(lane);
      return (await client.probe(lane)).status ?? 0;
    });
    const lanes: Lane[] = [...seeded.lanes, ...(typeof ai === 'string' ? [] : ai.lanes)];
    if (typeof ai === 'string') log(`AI route not exercised: ${ai}`);
    else {
      for (const lane of ai.lanes) if (!tokens.newest(lane)) await tokens.add(lane);
      traffic.addLanes(ai.lanes);
      closeAi = ai.close;
      log(`AI route: ${ai.lanes.map((lane) => lane.name).join(', ')}`);
    }
    const usage = new UsageCheck(platform.urls.metering, platform.adminToken, platform.env.DATABASE_URL!, started.toISOString().slice(0, 10));
    const runner = new PhaseRunner({ platform, infra, tokens, traffic, usage, lanes, log, deadline: started.getTime() + budgetMs });

    await runner.warmUp();
    const phases = [await runner.run(null)];
    const only = process.env.CHAOS_ONLY?.toLowerCase();
    for (const fault of FAULTS.filter((candidate) => !only || candidate.name.toLowerCase().includes(only))) phases.push(await runner.run(fault));
    const totals = await runner.finish(phases);

    const report: ChaosReport = {
      startedAt: started.toISOString(),
      seconds: (Date.now() - started.getTime()) / 1000,
      machine,
      loadAverageAtEnd: loadavg()[0]!,
      setup: [
        `Kafka: ${infra.kafka.describe}. Postgres: ${infra.postgres.describe}.`,
        `Services: keys, identity, catalog, metering and gateway started by devstack's startPlatform from dist/, plus a second gateway replica (own ports, own usage journal, GATEWAY_REPLICAS=2); loopback only.`,
        `Traffic: ${rate} requests/s, round-robin over ${lanes.length} lanes (${lanes.map((lane) => lane.name).join(', ')}; the payments application gets nested JWE tokens, the others JWS) and over both replicas, each request with a bearer token (GET on the HTTP APIs, POST /v1/chat/completions on the AI API); tokens refreshed every 60 s, newest and previous used alternately. One retry on the other replica when a replica refuses the connection (or drops a GET) or answers 503 shutting_down / not_ready, as a load balancer would.`,
        'Each phase: 3 s of traffic, the fault, recovery, 4 s more traffic; then traffic stops and metering is given time to settle before the next phase.',
        typeof ai === 'string'
          ? `AI route: not exercised — ${ai}`
          : 'AI route: an `ai` API of the tenant with a fake OpenAI provider on loopback (the AI library\'s recorded fixtures) and a priced model; its requests are metered like the others.',
      ],
      phases,
      totals,
      tokens: { refreshed: tokens.refreshed, refreshFailures: tokens.refreshFailures, lastRefreshError: tokens.lastRefreshError },
      notes: [
        ...runner.notes,
        ...(traffic.clientErrors ? [`the client failed to send ${traffic.clientErrors} requests itself (${traffic.lastClientError}): a harness fault, not counted above`] : []),
        ...(traffic.notSent ? [`${traffic.notSent} requests were not sent because 200 were already in flight`] : []),
      ],
    };
    const markdown = renderChaos(report);
    // A partial run (CHAOS_ONLY) leaves chaos-latest alone.
    for (const name of only ? [`chaos-${stamp}`] : ['chaos-latest', `chaos-${stamp}`]) {
      writeFileSync(join(results, `${name}.md`), markdown);
      writeFileSync(join(results, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
    }
    process.stdout.write(markdown);
    log(`wrote ${relative(root, join(results, only ? `chaos-${stamp}.md` : 'chaos-latest.md'))} and .json in ${Math.round(report.seconds)} s`);
    if (phases.some((phase) => phase.failedTargets.length > 0)) process.exitCode = 1;
  } finally {
    tokens?.stop();
    await traffic?.close();
    await platform?.stop().catch((error: Error) => log(`stopping the platform: ${error.message}`));
    await infra?.stop().catch((error: Error) => log(`stopping Kafka and Postgres: ${error.message}`));
    await closeAi?.();
    await upstream.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`npm run chaos: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
