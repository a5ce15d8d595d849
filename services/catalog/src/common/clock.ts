/** Time as the catalog sees it; injected so tests can drive sunsets and timestamps. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
