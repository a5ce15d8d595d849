import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function stat(pid: number): { ppid: number; ticks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state ppid … utime(14) stime(15).
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/**
 * CPU seconds (user + system) used so far by `pid` and every live descendant, from /proc
 * (Linux only; null elsewhere). Lets the benchmark compare CPU per request, which stays
 * meaningful on a machine shared with other work where throughput does not.
 */
export function processTreeCpuSeconds(pid: number): number | null {
  if (stat(pid) === null) return null;
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const child = Number(entry);
    if (!Number.isInteger(child)) continue;
    const info = stat(child);
    if (info === null) continue;
    const list = children.get(info.ppid) ?? [];
    list.push(child);
    children.set(info.ppid, list);
  }
  let ticks = 0;
  const pending = [pid];
  while (pending.length) {
    const current = pending.pop()!;
    ticks += stat(current)?.ticks ?? 0;
    pending.push(...(children.get(current) ?? []));
  }
  return ticks / TICKS_PER_SECOND;
}
