import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Direct children of `pid` (every thread's), from /proc (Linux); empty elsewhere. */
export function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const task of tasks) {
    const text = read(`/proc/${pid}/task/${task}/children`);
    if (text) for (const child of text.trim().split(/\s+/)) if (child) children.push(Number(child));
  }
  return children;
}

/** `pid` and every live descendant, each with its parent (the root's parent is -1). */
export function processTree(pid: number): Map<number, number> {
  const tree = new Map<number, number>([[pid, -1]]);
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const child of childrenOf(current)) {
      if (tree.has(child)) continue;
      tree.set(child, current);
      pending.push(child);
    }
  }
  return tree;
}

/** Resident set size of one process in bytes, or null once it is gone. */
export function rssBytes(pid: number): number | null {
  const statm = read(`/proc/${pid}/statm`);
  if (statm === null) return null;
  return Number(statm.split(' ')[1]) * PAGE_BYTES;
}

/** CPU seconds (user + system) a process has used so far, or null once it is gone. */
export function cpuSeconds(pid: number): number | null {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds of `pid` and its live descendants (children that exited are not counted). */
export function treeCpuSeconds(pid: number): number | null {
  if (cpuSeconds(pid) === null) return null;
  let total = 0;
  for (const member of processTree(pid).keys()) total += cpuSeconds(member) ?? 0;
  return total;
}

/** The command line of a process, arguments joined by spaces. */
export function commandLine(pid: number): string {
  return (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ').trim();
}
