import type { ChaosInfra } from './chaos-infra';
import type { ChaosPlatform } from './chaos-platform';
import { type ChaosReport, missedTargets, type PhaseResult } from './chaos-report';
import type { Fault, FaultContext, FaultTiming } from './faults';
import { failureSamples, phaseStats, serving } from './phase-stats';
import type { Lane } from './seed';
import type { TokenBook } from './token-book';
import type { Traffic } from './traffic';
import type { UsageCheck } from './usage-check';

const BEFORE_MS = 3_000;
const AFTER_MS = 4_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface PhaseRunnerOptions {
  readonly platform: ChaosPlatform;
  readonly infra: ChaosInfra;
  readonly tokens: TokenBook;
  readonly traffic: Traffic;
  readonly usage: UsageCheck;
  readonly lanes: readonly Lane[];
  readonly log: (line: string) => void;
  /** Epoch ms by which the whole run must be over. */
  readonly deadline: number;
}

/**
 * Runs the phases one after the other and keeps the usage books: what the client's answered
 * requests must have produced, against what metering counts once it settled.
 */
export class PhaseRunner {
  readonly notes: string[] = [];
  private expected = 0;
  private ambiguous = 0;
  private meteredSoFar = 0;
  private doubleSoFar = 0;
  private readonly idsByPhase = new Map<string, readonly string[]>();
  private healthy = true;

  constructor(private readonly options: PhaseRunnerOptions) {}

  /** Traffic until every lane is answered 2xx through both replicas (state propagated); counted like the rest. */
  async warmUp(): Promise<void> {
    const { traffic, log } = this.options;
    traffic.start('warm-up');
    const deadline = Date.now() + 60_000;
    for (;;) {
      await sleep(1_000);
      const recent = traffic.of('warm-up').filter((record) => record.at > Date.now() - 2_000 && record.doneAt < Date.now());
      const lanes = new Set(recent.filter((record) => record.ok).map((record) => `${record.lane}@${record.attempts.at(-1)!.replica}`));
      if (recent.length > 0 && recent.every((record) => record.ok) && lanes.size >= this.options.lanes.length * 2) break;
      if (Date.now() > deadline) throw new Error(`warm-up: the gateways did not answer every lane 2xx within 60 s (${JSON.stringify(phaseStats(recent).failureKinds)})`);
    }
    await traffic.stop();
    // Setup probes (the AI route's) are counted with the warm-up.
    const stats = phaseStats([...traffic.of('setup'), ...traffic.of('warm-up')]);
    this.expected += stats.answered;
    this.ambiguous += stats.ambiguous;
    this.idsByPhase.set('warm-up', stats.ids);
    const settled = await this.options.usage.settle(this.expected, 60_000);
    this.meteredSoFar = settled.total ?? 0;
    log(`warm-up: ${stats.requests} requests (${stats.failed} before the state reached both replicas); metering counts ${settled.total} of ${this.expected}`);
  }

  async run(fault: Fault | null): Promise<PhaseResult> {
    const name = fault?.name ?? 'steady traffic, no fault';
    const { traffic, log } = this.options;
    const targets = { zeroFailures: fault?.zeroFailures ?? true, servingThroughout: fault?.servingThroughout ?? false, zeroTokenFailures: fault?.zeroTokenFailures ?? true };
    const base = { name, recovery: fault?.recovery ?? '—', targets, tokenFailures: 0, error: null, stats: null, outage: null, recoverySeconds: null, details: [], usage: null, failedTargets: [] };
    const context: FaultContext = { ...this.options, phase: name };
    const need = fault?.servingThroughout ? 90_000 : 45_000;
    const reason = !this.healthy ? 'the platform was not whole after an earlier fault' : Date.now() + need > this.options.deadline ? 'the run\'s time budget is spent' : (fault?.skipped(context) ?? null);
    if (reason) {
      log(`${name}: skipped (${reason})`);
      return { ...base, skipped: reason };
    }
    log(`${name}: start`);
    const phaseStart = Date.now();
    traffic.start(name);
    await sleep(BEFORE_MS);
    let timing: FaultTiming | null = null;
    let error: string | null = null;
    const injectedAt = Date.now();
    try {
      timing = fault ? await fault.inject(context) : { injectedAt, recoveredAt: injectedAt, details: [] };
      error = timing.failure ?? null;
    } catch (caught) {
      error = (caught as Error).message;
    }
    if (error) log(`${name}: ${error}`);
    await sleep(AFTER_MS);
    await traffic.stop();
    const trafficStopped = Date.now();
    const records = traffic.of(name);
    const stats = phaseStats(records);
    const { ids: _ids, ...figures } = stats;
    const outage = timing?.downUntil ? serving(records, timing.injectedAt, timing.downUntil) : null;
    this.idsByPhase.set(name, stats.ids);
    this.expected += stats.answered;
    this.ambiguous += stats.ambiguous;
    const settled = await this.options.usage.settle(this.expected, fault?.servingThroughout ? 90_000 : 45_000);
    const total = settled.total;
    const ledger = await this.options.usage.ledger(stats.ids);
    const double = total === null ? null : Math.max(0, total - (this.expected + this.ambiguous));
    const usage = {
      expected: stats.answered,
      ambiguous: stats.ambiguous,
      metered: total === null ? null : total - this.meteredSoFar,
      settledSeconds: total === null ? null : settled.ms / 1000,
      missingAtPhaseEnd: 'missing' in ledger ? ledger.missing.length : null,
      lost: 'missing' in ledger ? ledger.missing.length : null,
      doubleCounted: double === null ? null : double - this.doubleSoFar,
    };
    if ('error' in ledger) this.notes.push(`${name}: the ledger check failed (${ledger.error})`);
    if (total !== null) this.meteredSoFar = total;
    if (double !== null) this.doubleSoFar = double;
    const origin = timing?.injectedAt ?? injectedAt;
    const refreshFailures = this.options.tokens.failures.filter((failure) => failure.at >= phaseStart && failure.at <= trafficStopped);
    const details = [
      ...(timing?.details ?? []),
      ...failureSamples(records, origin).map((sample) => `failed attempt at ${sample}`),
      ...refreshFailures.slice(0, 5).map((failure) => `token refresh failed at +${failure.at - origin} ms for ${failure.lane}: ${failure.error}`),
      ...(refreshFailures.length > 5 ? [`…and ${refreshFailures.length - 5} more failed token refreshes`] : []),
    ];
    const phase = {
      ...base,
      skipped: null,
      error,
      stats: figures,
      outage,
      recoverySeconds: timing && fault && !error ? (timing.recoveredAt - timing.injectedAt) / 1000 : null,
      details,
      usage,
      tokenFailures: refreshFailures.length,
    };
    const result: PhaseResult = { ...phase, failedTargets: missedTargets(phase) };
    log(`${name}: ${stats.requests} requests, ${stats.failed} failed, usage ${usage.expected} expected / ${usage.metered} metered, ${usage.lost} missing${result.failedTargets.length ? ` — ${result.failedTargets.join('; ')}` : ''}`);
    if (error) this.healthy = await this.recovers();
    return result;
  }

  /** The last reconciliation: metering's total and the ledger against every answered request of the run. */
  async finish(phases: PhaseResult[]): Promise<ChaosReport['totals']> {
    const settled = await this.options.usage.settle(this.expected, 60_000);
    const all = [...this.idsByPhase.values()].flat();
    const ledger = await this.options.usage.ledger(all);
    if (!('missing' in ledger)) {
      this.notes.push(`final ledger check failed: ${ledger.error}`);
      return { expected: this.expected, ambiguous: this.ambiguous, metered: settled.total, ledgerRows: null, lost: null, doubleCounted: null };
    }
    const missing = new Set(ledger.missing);
    // A record that reached the ledger only after its phase's check arrived late, it was not lost.
    for (const [index, phase] of phases.entries()) {
      const ids = this.idsByPhase.get(phase.name);
      if (!ids || !phase.usage) continue;
      const lost = ids.filter((id) => missing.has(id)).length;
      if (lost !== phase.usage.lost) {
        this.notes.push(`${phase.name}: ${phase.usage.missingAtPhaseEnd} records were missing when the phase was checked, ${lost} at the end of the run`);
        const usage = { ...phase.usage, lost };
        phases[index] = { ...phase, usage, failedTargets: missedTargets({ ...phase, usage }) };
      }
    }
    const warmUpLost = (this.idsByPhase.get('warm-up') ?? []).filter((id) => missing.has(id)).length;
    if (warmUpLost > 0) this.notes.push(`warm-up: ${warmUpLost} usage records lost`);
    const total = settled.total;
    if (total !== null && total !== ledger.rows) this.notes.push(`metering's query API counts ${total} requests but its ledger holds ${ledger.rows} rows`);
    return {
      expected: this.expected,
      ambiguous: this.ambiguous,
      metered: total,
      ledgerRows: ledger.rows,
      lost: missing.size,
      doubleCounted: total === null ? null : Math.max(0, total - (this.expected + this.ambiguous)),
    };
  }

  /**
   * After a fault that did not complete: waits a little for every service, then restarts the
   * ones still not ready (noted in the report) so the next fault meets a whole platform.
   */
  private async recovers(): Promise<boolean> {
    const { platform } = this.options;
    const whole = async () => platform.exited().length === 0 && (await platform.notReady()).length === 0;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (await whole()) return true;
      await sleep(500);
    }
    const stuck = [...new Set([...platform.exited(), ...(await platform.notReady())])];
    for (const name of stuck) {
      try {
        if (!platform.exited().includes(name)) await platform.stopService(name, 'graceful');
        await platform.startService(name);
      } catch (error) {
        this.notes.push(`${name} could not be restarted to continue: ${(error as Error).message}`);
        return false;
      }
    }
    this.notes.push(`the chaos run restarted ${stuck.join(', ')} (not ready after the previous fault) so that the next fault meets a whole platform`);
    return whole();
  }
}
