import type { Machine } from '../lib/machine';
import { machineLine } from '../lib/report';
import type { PhaseStats, ServingStats } from './phase-stats';

export interface PhaseUsage {
  /** Usage records the client's answered requests must have produced. */
  readonly expected: number;
  readonly ambiguous: number;
  /** Metering's query-API total grew by this much over the phase (null when it did not answer). */
  readonly metered: number | null;
  /** Seconds from the end of the phase's traffic until metering's total settled. */
  readonly settledSeconds: number | null;
  /** Answered requests whose record id was missing from the ledger when the phase was checked. */
  readonly missingAtPhaseEnd: number | null;
  /** …and still missing at the end of the run: lost. */
  readonly lost: number | null;
  /** Counted beyond every answered and every possibly-answered request. */
  readonly doubleCounted: number | null;
}

export interface PhaseResult {
  readonly name: string;
  readonly recovery: string;
  readonly targets: { readonly zeroFailures: boolean; readonly servingThroughout: boolean; readonly zeroTokenFailures: boolean };
  /** Token requests to identity that failed during the phase (the client keeps its older tokens). */
  readonly tokenFailures: number;
  readonly skipped: string | null;
  readonly error: string | null;
  readonly stats: Omit<PhaseStats, 'ids'> | null;
  /** Serving while the broker or server was down. */
  readonly outage: ServingStats | null;
  readonly recoverySeconds: number | null;
  readonly details: readonly string[];
  readonly usage: PhaseUsage | null;
  readonly failedTargets: readonly string[];
}

export interface ChaosReport {
  readonly startedAt: string;
  readonly seconds: number;
  readonly machine: Machine;
  readonly loadAverageAtEnd: number;
  readonly setup: readonly string[];
  readonly phases: readonly PhaseResult[];
  readonly totals: { readonly expected: number; readonly ambiguous: number; readonly metered: number | null; readonly ledgerRows: number | null; readonly lost: number | null; readonly doubleCounted: number | null };
  readonly tokens: { readonly refreshed: number; readonly refreshFailures: number; readonly lastRefreshError: string | null };
  readonly notes: readonly string[];
}

/** The targets a phase missed, from its figures. */
export function missedTargets(phase: Omit<PhaseResult, 'failedTargets'>): string[] {
  const missed: string[] = [];
  if (phase.error) missed.push(`fault did not complete: ${phase.error}`);
  if (phase.usage?.lost) missed.push(`${phase.usage.lost} usage records lost`);
  if (phase.usage?.doubleCounted) missed.push(`${phase.usage.doubleCounted} usage records double-counted`);
  if (phase.usage && phase.usage.metered === null) missed.push('metering did not answer');
  if (phase.targets.zeroFailures && phase.stats && phase.stats.failed > 0) missed.push(`${phase.stats.failed} failed requests`);
  if (phase.targets.zeroTokenFailures && phase.tokenFailures > 0) missed.push(`${phase.tokenFailures} token requests failed`);
  if (phase.targets.servingThroughout && phase.outage) {
    if (phase.outage.failed > 0) missed.push(`${phase.outage.failed} failed requests while down`);
    if (phase.outage.maxGapMs > 1_000) missed.push(`no successful answer for ${(phase.outage.maxGapMs / 1000).toFixed(1)} s while down`);
  }
  return missed;
}

const n = (value: number | null | undefined) => (value === null || value === undefined ? '—' : String(value));
const s = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${value.toFixed(1)} s`);

function verdict(phase: PhaseResult): string {
  if (phase.skipped) return `skipped: ${phase.skipped}`;
  return phase.failedTargets.length === 0 ? 'pass' : `**FAIL**: ${phase.failedTargets.join('; ')}`;
}

export function chaosTable(phases: readonly PhaseResult[]): string {
  const lines = [
    '| fault | requests | failed (client) | failed attempts (retried) | token requests failed | recovered after | usage expected (+ambiguous) | metered | lost | double-counted | verdict |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const phase of phases) {
    const stats = phase.stats;
    const usage = phase.usage;
    lines.push(
      `| ${phase.name} | ${n(stats?.requests)} | ${n(stats?.failed)} | ${stats ? `${stats.failedAttempts} (${stats.retried})` : '—'} | ${phase.skipped ? '—' : phase.tokenFailures} | ${s(phase.recoverySeconds)} | ${usage ? `${usage.expected}${usage.ambiguous ? ` (+${usage.ambiguous})` : ''}` : '—'} | ${n(usage?.metered)} | ${n(usage?.lost)} | ${n(usage?.doubleCounted)} | ${verdict(phase)} |`,
    );
  }
  return lines.join('\n');
}

export function renderChaos(report: ChaosReport): string {
  const out: string[] = ['# Gatehouse under faults', ''];
  out.push(`Run ${report.startedAt}, ${Math.round(report.seconds)} s in all (\`npm run chaos\`). **Machine:** ${machineLine(report.machine)}; load average ${report.machine.loadAverageAtStart.toFixed(1)} at the start, ${report.loadAverageAtEnd.toFixed(1)} at the end.`, '');
  for (const line of report.setup) out.push(`- ${line}`);
  out.push('', chaosTable(report.phases), '');
  const t = report.totals;
  out.push(
    `**Whole run:** ${t.expected} usage records expected (+${t.ambiguous} requests that may or may not have reached a gateway), metering counts ${n(t.metered)} (ledger rows ${n(t.ledgerRows)}): lost ${n(t.lost)}, double-counted ${n(t.doubleCounted)}. Token refreshes: ${report.tokens.refreshed} issued, ${report.tokens.refreshFailures} failed${report.tokens.lastRefreshError ? ` (last: ${report.tokens.lastRefreshError})` : ''}.`,
    '',
  );
  out.push(
    'Columns: "failed (client)" counts requests whose final answer was not 2xx; "failed attempts (retried)" counts every attempt that was not 2xx, and in brackets the requests a load balancer sent again to the other replica because the first refused the connection or answered 503 `shutting_down`/`not_ready`. ' +
      '"usage expected" is the number of attempts the gateways answered (each must yield exactly one usage record, 401s and 503s included); "ambiguous" attempts got no answer but may have reached a gateway. ' +
      '"metered" is how much metering\'s query API total grew over the phase; "lost" are answered requests whose record id (x-request-id) is missing from metering\'s ledger at the end of the run; "double-counted" is what metering counts beyond expected + ambiguous. ' +
      '"token requests failed" counts client_credentials requests to identity that failed while the phase ran (the client keeps using its older tokens). ' +
      'Targets: nothing lost or double-counted anywhere; no failed request (through the gateways, and at the token endpoint during key rotations) for key rotations and metering or identity restarts; gateways answering throughout a Kafka or Postgres outage.',
    '',
  );
  for (const phase of report.phases) {
    out.push(`## ${phase.name}`, '');
    if (phase.skipped) {
      out.push(`Skipped: ${phase.skipped}.`, '');
      continue;
    }
    out.push(`Recovered = ${phase.recovery}.`);
    for (const detail of phase.details) out.push(`- ${detail}`);
    if (phase.error) out.push(`- fault error: ${phase.error}`);
    if (phase.stats) {
      const kinds = Object.entries(phase.stats.failureKinds).map(([kind, count]) => `${kind} × ${count}`);
      out.push(`- ${phase.stats.requests} requests, ${phase.stats.ok} answered 2xx; longest time without a 2xx answer ${(phase.stats.maxGapMs / 1000).toFixed(2)} s${kinds.length ? `; failed attempts: ${kinds.join(', ')}` : ''}`);
    }
    if (phase.outage) out.push(`- while down: ${phase.outage.requests} requests, ${phase.outage.failed} failed, longest time without a 2xx answer ${(phase.outage.maxGapMs / 1000).toFixed(2)} s`);
    if (phase.usage) {
      const u = phase.usage;
      out.push(`- usage: ${u.expected} expected (+${u.ambiguous} ambiguous), metering's total grew by ${n(u.metered)}, settled ${s(u.settledSeconds)} after the traffic stopped; ${n(u.missingAtPhaseEnd)} record ids missing from the ledger then, ${n(u.lost)} still missing at the end of the run`);
    }
    out.push('');
  }
  if (report.notes.length) out.push('## Notes', '', ...report.notes.map((note) => `- ${note}`), '');
  return `${out.join('\n')}\n`;
}
