import { processTree, rssBytes } from './proc';

interface Sample {
  readonly at: number;
  /** RSS by pid of every process of the tree at that instant. */
  readonly rss: ReadonlyMap<number, number>;
  /** Parent of each sampled process, to sum a sub-tree later. */
  readonly parent: ReadonlyMap<number, number>;
}

/**
 * Samples the resident memory of every process under a root (a benchmark harness and the
 * servers it starts) from /proc. The tree is re-walked every `treeEveryMs`; in between only the
 * known processes' `statm` is read, so sampling itself stays well under 1% of a core.
 */
export class RssSampler {
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private known = new Map<number, number>();
  private lastWalk = 0;

  constructor(
    readonly rootPid: number,
    private readonly everyMs = 100,
    private readonly treeEveryMs = 500,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Peak RSS (MiB) of `pid` plus its descendants between `from` and `to` (epoch ms); the
   * whole sampled life when no window is given. Null when the process was never sampled.
   */
  peakMiB(pid: number, from = 0, to = Number.POSITIVE_INFINITY): number | null {
    let peak: number | null = null;
    for (const sample of this.samples) {
      if (sample.at < from || sample.at > to || !sample.rss.has(pid)) continue;
      let total = 0;
      for (const [member, bytes] of sample.rss) if (this.descends(member, pid, sample.parent)) total += bytes;
      peak = Math.max(peak ?? 0, total);
    }
    return peak === null ? null : peak / (1024 * 1024);
  }

  /** Every pid seen so far. */
  pids(): number[] {
    return [...new Set(this.samples.flatMap((sample) => [...sample.rss.keys()]))];
  }

  private descends(member: number, ancestor: number, parent: ReadonlyMap<number, number>): boolean {
    for (let current: number | undefined = member; current !== undefined; current = parent.get(current)) {
      if (current === ancestor) return true;
    }
    return false;
  }

  private sample(): void {
    const now = Date.now();
    if (now - this.lastWalk >= this.treeEveryMs) {
      this.lastWalk = now;
      this.known = processTree(this.rootPid);
    }
    const rss = new Map<number, number>();
    for (const pid of this.known.keys()) {
      const bytes = rssBytes(pid);
      if (bytes !== null) rss.set(pid, bytes);
    }
    if (rss.size > 0) this.samples.push({ at: now, rss, parent: this.known });
  }
}
