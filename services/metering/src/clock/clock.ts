/** Time as metering sees it; injected so tests can drive periods and lateness. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
