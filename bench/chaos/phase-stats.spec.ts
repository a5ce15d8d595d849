import { describe, expect, it } from 'vitest';
import { missedTargets } from './chaos-report';
import { failureSamples, phaseStats, serving } from './phase-stats';
import type { Attempt, RequestRecord } from './traffic';

const answered = (replica: string, status: number, requestId: string, extra: Partial<Attempt> = {}): Attempt => ({ replica, status, requestId, error: null, ambiguous: false, ...extra });
const refused = (replica: string): Attempt => ({ replica, status: null, requestId: null, error: 'ECONNREFUSED', ambiguous: false });
const reset = (replica: string): Attempt => ({ replica, status: null, requestId: null, error: 'UND_ERR_SOCKET', ambiguous: true });

function record(at: number, attempts: Attempt[], doneAt = at + 5): RequestRecord {
  const last = attempts.at(-1)!;
  return { phase: 'p', at, doneAt, lane: 'a→b', tokenIssuedAt: 0, tokenKid: 'k1', attempts, ok: last.status !== null && last.status < 300 };
}

describe('phase statistics', () => {
  it('expects one usage record per answered attempt, retried refusals included, and none for a refused connection', () => {
    const stats = phaseStats([
      record(0, [answered('a', 200, 'r1')]),
      record(10, [refused('b'), answered('a', 200, 'r2')]),
      record(20, [answered('b', 503, 'r3', { code: 'shutting_down' }), answered('a', 200, 'r4')]),
      record(30, [reset('b'), answered('a', 200, 'r5')]),
      record(40, [answered('a', 401, 'r6', { code: 'invalid_token', description: 'the token key is unknown' })]),
    ]);
    expect(stats).toMatchObject({ requests: 5, ok: 4, failed: 1, failedAttempts: 4, retried: 3, answered: 6, ambiguous: 1 });
    expect(stats.ids).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(stats.failureKinds).toEqual({ 'b ECONNREFUSED': 1, 'b 503 shutting_down': 1, 'b UND_ERR_SOCKET': 1, 'a 401 invalid_token (the token key is unknown)': 1 });
  });

  it('measures the longest stretch without a successful answer inside a window', () => {
    const records = [record(0, [answered('a', 200, 'r1')], 10), record(100, [refused('b')], 105), record(200, [answered('a', 200, 'r2')], 1_500), record(1_600, [answered('a', 200, 'r3')], 1_610)];
    expect(serving(records)).toEqual({ requests: 4, failed: 1, maxGapMs: 1_490 });
    expect(serving(records, 50, 1_000)).toEqual({ requests: 2, failed: 1, maxGapMs: 1_450 });
    expect(serving([], 0, 1_000)).toEqual({ requests: 0, failed: 0, maxGapMs: 0 });
  });

  it('describes failed requests relative to the fault, with the token they carried', () => {
    const samples = failureSamples([record(1_000, [answered('a', 200, 'r1')]), record(1_250, [answered('b', 401, 'r2', { code: 'invalid_token', description: 'unknown key' })])], 1_000);
    expect(samples).toEqual(['+250 ms: a→b, token kid k1 issued at -1000 ms: b → 401 invalid_token "unknown key"']);
  });
});

describe('targets of a phase', () => {
  const phase = {
    name: 'rotate signing keys',
    recovery: '',
    targets: { zeroFailures: true, servingThroughout: false, zeroTokenFailures: true },
    tokenFailures: 0,
    skipped: null,
    error: null,
    stats: { requests: 10, ok: 10, failed: 0, failedAttempts: 0, retried: 0, answered: 10, ambiguous: 0, failureKinds: {}, maxGapMs: 20 },
    outage: null,
    recoverySeconds: 1,
    details: [],
    usage: { expected: 10, ambiguous: 0, metered: 10, settledSeconds: 1, missingAtPhaseEnd: 0, lost: 0, doubleCounted: 0 },
  };

  it('passes a phase with nothing failed, lost or double-counted', () => {
    expect(missedTargets(phase)).toEqual([]);
  });

  it('names every target a phase missed', () => {
    const missed = missedTargets({
      ...phase,
      tokenFailures: 2,
      stats: { ...phase.stats, failed: 1 },
      usage: { ...phase.usage, lost: 3, doubleCounted: 1 },
    });
    expect(missed).toEqual(['3 usage records lost', '1 usage records double-counted', '1 failed requests', '2 token requests failed']);
  });

  it('judges an outage by what happened while the broker or server was down', () => {
    const outage = { ...phase, targets: { zeroFailures: false, servingThroughout: true, zeroTokenFailures: false }, stats: { ...phase.stats, failed: 4 }, outage: { requests: 50, failed: 0, maxGapMs: 1_800 } };
    expect(missedTargets(outage)).toEqual(['no successful answer for 1.8 s while down']);
  });
});
