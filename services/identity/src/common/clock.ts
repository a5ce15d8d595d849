import { Injectable } from '@nestjs/common';

/** Time source of the service; tests substitute a settable one. */
@Injectable()
export class Clock {
  /** Epoch milliseconds. */
  now(): number {
    return Date.now();
  }

  date(): Date {
    return new Date(this.now());
  }

  /** Epoch seconds, as JWT NumericDate. */
  seconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

/** A clock that only moves when told to (tests). */
export class ManualClock extends Clock {
  constructor(private current: number = Date.now()) {
    super();
  }

  override now(): number {
    return this.current;
  }

  set(epochMs: number): void {
    this.current = epochMs;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
