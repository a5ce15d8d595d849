export interface MeteringIngest {
  readonly records: number;
  readonly perSecondFromStart: number;
  readonly sustainedPerSecond: number | null;
  readonly nodeMicrosPerRecord: number | null;
  readonly postgresMicrosPerRecord: number | null;
}

export interface MeteringQuery {
  readonly label: string;
  readonly rows: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

export interface MeteringFigures {
  readonly ingest: MeteringIngest | null;
  readonly queries: MeteringQuery[];
  readonly queryRuns: number | null;
}

const num = (text: string | undefined) => (text === undefined ? null : Number(text.replaceAll(',', '')));

/**
 * Reads the figures out of the metering harness's text report (services/metering/bench): it
 * prints lines and aligned tables, not JSON, and it is still changing, so this parser only
 * relies on the labelled lines and returns null for what it cannot find.
 */
export function parseMeteringOutput(text: string): MeteringFigures {
  const ingestLine = /ingest: (\d+) records in ([\d.]+) s from app start.*= (\d+) records\/s/.exec(text);
  const sustained = /sustained \(5% to 95% of the records\): (\d+) records\/s/.exec(text);
  const cpu = /CPU during ingest: node [\d.]+ s \(([\d.]+) µs\/record[^)]*\), Postgres backends (?:n\/a|[\d.]+ s \(([\d.]+) µs\/record\))/.exec(text);
  const ingest = ingestLine
    ? {
        records: Number(ingestLine[1]),
        perSecondFromStart: Number(ingestLine[3]),
        sustainedPerSecond: num(sustained?.[1]),
        nodeMicrosPerRecord: num(cpu?.[1]),
        postgresMicrosPerRecord: num(cpu?.[2]),
      }
    : null;
  const queries: MeteringQuery[] = [];
  const heading = /query latency over HTTP \((\d+) runs/.exec(text);
  if (heading) {
    const lines = text.slice(heading.index).split('\n').slice(1);
    for (const line of lines) {
      if (!line.trim()) break;
      const cells = line.trim().split(/\s{2,}/);
      if (cells.length !== 5 || cells[0] === 'query') continue;
      const [label, rows, p50, p95, max] = cells as [string, string, string, string, string];
      if ([rows, p50, p95, max].some((value) => Number.isNaN(Number(value)))) continue;
      queries.push({ label, rows: Number(rows), p50Ms: Number(p50), p95Ms: Number(p95), maxMs: Number(max) });
    }
  }
  return { ingest, queries, queryRuns: heading ? Number(heading[1]) : null };
}
