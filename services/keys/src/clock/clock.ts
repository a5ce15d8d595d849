/** Time as the key lifecycle sees it; injected so tests can drive rotations. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
