export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before one probe is let through. */
  readonly openMs: number;
}

export const defaultCircuitOptions: CircuitBreakerOptions = { failureThreshold: 5, openMs: 5_000 };

/**
 * Passive health of one upstream target. Closed: every request passes and consecutive
 * failures are counted. Open: nothing passes until `openMs` has elapsed. Half-open: exactly
 * one probe passes; its success closes the circuit, its failure opens it again. Every
 * admitted request must end in exactly one of onSuccess, onFailure or onRelease.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;

  constructor(
    private readonly options: CircuitBreakerOptions = defaultCircuitOptions,
    private readonly onChange?: (state: CircuitState) => void,
  ) {}

  get state(): CircuitState {
    return this.current;
  }

  /** Whether a request may be sent now; when half-open, the caller that gets `true` is the probe. */
  tryAcquire(now: number): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (now - this.openedAt < this.options.openMs) return false;
      this.transition('half-open');
    }
    if (this.probing) return false;
    this.probing = true;
    return true;
  }

  /** Whether tryAcquire would pass, without taking the probe slot (for balancing). */
  isAvailable(now: number): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') return now - this.openedAt >= this.options.openMs;
    return !this.probing;
  }

  onSuccess(): void {
    this.failures = 0;
    this.probing = false;
    if (this.current !== 'closed') this.transition('closed');
  }

  onFailure(now: number): void {
    this.probing = false;
    if (this.current === 'half-open') return this.open(now);
    this.failures += 1;
    if (this.current === 'closed' && this.failures >= this.options.failureThreshold) this.open(now);
  }

  /** The request ended without telling anything about the target (e.g. the client left). */
  onRelease(): void {
    this.probing = false;
  }

  private open(now: number): void {
    this.openedAt = now;
    this.failures = 0;
    this.transition('open');
  }

  private transition(state: CircuitState): void {
    this.current = state;
    this.onChange?.(state);
  }
}
