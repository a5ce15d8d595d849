import { Clock } from '../src/clock/clock';

/** A clock the test moves by hand. */
export class ManualClock extends Clock {
  private current: number;

  constructor(start: Date | string) {
    super();
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(seconds: number): Date {
    this.current += seconds * 1000;
    return this.now();
  }

  set(to: Date): void {
    this.current = to.getTime();
  }
}
