import type { RequestRecord } from './traffic';

export interface ServingStats {
  readonly requests: number;
  /** Client-visible failures: the final attempt got no 2xx. */
  readonly failed: number;
  /** Longest time without any successful answer, in ms. */
  readonly maxGapMs: number;
}

export interface PhaseStats extends ServingStats {
  readonly ok: number;
  /** Attempts that got no 2xx, including those the other replica then answered. */
  readonly failedAttempts: number;
  readonly retried: number;
  /** Attempts the gateway answered: each must have produced exactly one usage record. */
  readonly answered: number;
  /** Attempts without an answer that may still have reached a gateway (a record may exist). */
  readonly ambiguous: number;
  /** `gateway-b 503 shutting_down` → count, `gateway-b ECONNREFUSED` → count. */
  readonly failureKinds: Readonly<Record<string, number>>;
  /** The request ids (= usage record ids) of every answered attempt. */
  readonly ids: readonly string[];
}

/**
 * The first few requests that failed at some attempt, described relative to `origin` (the
 * fault's injection): when, where, what came back, and which token it carried.
 */
export function failureSamples(records: readonly RequestRecord[], origin: number, limit = 5): string[] {
  const ms = (value: number) => `${value - origin >= 0 ? '+' : ''}${value - origin} ms`;
  return records
    .filter((record) => record.attempts.some((attempt) => attempt.status === null || attempt.status >= 300))
    .slice(0, limit)
    .map((record) => {
      const attempts = record.attempts.map((attempt) => `${attempt.replica} → ${attempt.status ?? attempt.error}${attempt.code ? ` ${attempt.code}` : ''}${attempt.description ? ` "${attempt.description}"` : ''}`).join(', then ');
      return `${ms(record.at)}: ${record.lane}, token kid ${record.tokenKid ?? '?'} issued at ${ms(record.tokenIssuedAt)}: ${attempts}`;
    });
}

/** Serving figures for the requests sent inside [from, to] (all of them without a window). */
export function serving(records: readonly RequestRecord[], from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY): ServingStats {
  const inside = records.filter((record) => record.at >= from && record.at <= to);
  const successes = inside.filter((record) => record.ok).map((record) => record.doneAt);
  successes.sort((a, b) => a - b);
  const start = Number.isFinite(from) ? from : (inside[0]?.at ?? 0);
  const end = Number.isFinite(to) ? to : Math.max(0, ...inside.map((record) => record.doneAt));
  let maxGapMs = 0;
  let previous = start;
  for (const at of [...successes, end]) {
    maxGapMs = Math.max(maxGapMs, at - previous);
    previous = Math.max(previous, at);
  }
  return { requests: inside.length, failed: inside.filter((record) => !record.ok).length, maxGapMs: inside.length === 0 ? 0 : maxGapMs };
}

export function phaseStats(records: readonly RequestRecord[]): PhaseStats {
  const attempts = records.flatMap((record) => record.attempts);
  const failureKinds: Record<string, number> = {};
  for (const attempt of attempts) {
    if (attempt.status !== null && attempt.status < 300) continue;
    const kind = `${attempt.replica} ${attempt.status ?? attempt.error}${attempt.code ? ` ${attempt.code}` : ''}${attempt.description ? ` (${attempt.description})` : ''}`;
    failureKinds[kind] = (failureKinds[kind] ?? 0) + 1;
  }
  const ids = attempts.flatMap((attempt) => (attempt.requestId ? [attempt.requestId] : []));
  return {
    ...serving(records),
    ok: records.filter((record) => record.ok).length,
    failedAttempts: attempts.filter((attempt) => attempt.status === null || attempt.status >= 300).length,
    retried: records.filter((record) => record.attempts.length > 1).length,
    answered: ids.length,
    ambiguous: attempts.filter((attempt) => attempt.ambiguous).length,
    failureKinds,
    ids,
  };
}
