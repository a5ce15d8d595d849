import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { UsageBatch } from './usage-record';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const SEGMENT = /^usage-(\d{12})\.ndjson$/;
const segmentName = (sequence: number) => `usage-${String(sequence).padStart(12, '0')}.ndjson`;

interface Segment {
  readonly sequence: number;
  readonly path: string;
  bytes: number;
  batches: number;
}

export interface UsageJournalOptions {
  readonly directory: string;
  /** A segment is closed (fsynced) and a new one started past this size. Default 16 MiB. */
  readonly maxSegmentBytes?: number;
}

/**
 * Append-only local journal of usage batches that could not be produced: NDJSON segment
 * files (`usage-<sequence>.ndjson`, one batch per line), fsynced when a segment is closed
 * and on `sync()`. Batches are read back oldest first; each one produced is recorded in a
 * sidecar `.acked` file, and a segment whose batches are all acknowledged is deleted, so a
 * restart resumes where the replay stopped without sending a batch twice.
 */
export class UsageJournal {
  private readonly segments: Segment[] = [];
  private readonly maxSegmentBytes: number;
  private active: { segment: Segment; fd: number } | null = null;
  private reading: { segment: Segment; batches: UsageBatch[]; next: number; ackFd: number } | null = null;
  private nextSequence = 1;
  private totalBytes = 0;
  private totalBatches = 0;

  constructor(private readonly options: UsageJournalOptions) {
    this.maxSegmentBytes = options.maxSegmentBytes ?? 16 * 1024 * 1024;
    mkdirSync(options.directory, { recursive: true });
    this.lock();
    for (const name of readdirSync(options.directory).sort()) {
      const match = SEGMENT.exec(name);
      if (!match) continue;
      const path = join(options.directory, name);
      const pending = this.readSegment(path).length;
      if (pending === 0) {
        this.remove(path);
        continue;
      }
      const segment = { sequence: Number(match[1]), path, bytes: statSync(path).size, batches: pending };
      this.segments.push(segment);
      this.totalBytes += segment.bytes;
      this.totalBatches += pending;
      this.nextSequence = segment.sequence + 1;
    }
  }

  get isEmpty(): boolean {
    return this.totalBatches === 0;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get batches(): number {
    return this.totalBatches;
  }

  append(batch: UsageBatch): void {
    const line = `${JSON.stringify(batch)}\n`;
    if (this.active === null || this.active.segment.bytes >= this.maxSegmentBytes) this.rotate();
    const active = this.active!;
    const bytes = Buffer.byteLength(line);
    writeSync(active.fd, line);
    active.segment.bytes += bytes;
    active.segment.batches += 1;
    this.totalBytes += bytes;
    this.totalBatches += 1;
  }

  /** The oldest batch not yet acknowledged, or null. Closes the active segment if it must read it. */
  peek(): UsageBatch | null {
    for (;;) {
      if (this.reading !== null) {
        const batch = this.reading.batches[this.reading.next];
        if (batch !== undefined) return batch;
        this.finishReading();
        continue;
      }
      const oldest = this.segments[0];
      if (oldest === undefined) return null;
      if (this.active?.segment === oldest) this.closeActive();
      const batches = this.readSegment(oldest.path);
      this.reading = { segment: oldest, batches, next: 0, ackFd: openSync(`${oldest.path}.acked`, 'a') };
    }
  }

  /** Marks the batch returned by peek() as produced. */
  ack(batchId: string): void {
    const reading = this.reading;
    if (reading === null || reading.batches[reading.next]?.id !== batchId) throw new Error(`journal: ${batchId} is not the batch being replayed`);
    writeSync(reading.ackFd, `${batchId}\n`);
    reading.next += 1;
    reading.segment.batches -= 1;
    this.totalBatches -= 1;
    if (reading.next >= reading.batches.length) this.finishReading();
  }

  /** Makes everything appended so far durable. */
  sync(): void {
    if (this.active) fsyncSync(this.active.fd);
  }

  close(): void {
    this.closeActive();
    if (this.reading) {
      closeSync(this.reading.ackFd);
      this.reading = null;
    }
    const lock = join(this.options.directory, 'LOCK');
    if (existsSync(lock) && readFileSync(lock, 'utf8').trim() === String(process.pid)) unlinkSync(lock);
  }

  /** One process per journal directory: a second replica pointed at the same folder stops with a clear error. */
  private lock(): void {
    const lock = join(this.options.directory, 'LOCK');
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSync(lock, 'utf8').trim());
    if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
      throw new Error(`usage journal ${this.options.directory} is in use by process ${owner}; give each gateway replica its own GATEWAY_JOURNAL_DIR`);
    }
    writeFileSync(lock, String(process.pid));
  }

  private rotate(): void {
    this.closeActive();
    const sequence = this.nextSequence++;
    const path = join(this.options.directory, segmentName(sequence));
    const segment: Segment = { sequence, path, bytes: 0, batches: 0 };
    this.segments.push(segment);
    this.active = { segment, fd: openSync(path, 'a') };
  }

  private closeActive(): void {
    if (this.active === null) return;
    fsyncSync(this.active.fd);
    closeSync(this.active.fd);
    this.active = null;
  }

  private finishReading(): void {
    const reading = this.reading!;
    closeSync(reading.ackFd);
    this.reading = null;
    this.segments.shift();
    this.totalBytes -= reading.segment.bytes;
    this.totalBatches -= Math.max(0, reading.segment.batches);
    this.remove(reading.segment.path);
  }

  private remove(path: string): void {
    for (const file of [path, `${path}.acked`]) if (existsSync(file)) unlinkSync(file);
  }

  /** Batches of a segment minus those acknowledged; a torn last line (crash mid-write) is skipped. */
  private readSegment(path: string): UsageBatch[] {
    const acked = new Set(existsSync(`${path}.acked`) ? readFileSync(`${path}.acked`, 'utf8').split('\n').filter(Boolean) : []);
    const batches: UsageBatch[] = [];
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line) continue;
      let batch: UsageBatch;
      try {
        batch = JSON.parse(line) as UsageBatch;
      } catch {
        continue;
      }
      if (typeof batch?.id === 'string' && Array.isArray(batch.records) && !acked.has(batch.id)) batches.push(batch);
    }
    return batches;
  }
}
