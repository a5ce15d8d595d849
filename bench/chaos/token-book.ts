import { clientCredentials, headerKid } from './admin-client';
import type { Lane } from './seed';

export interface HeldToken {
  readonly token: string;
  readonly issuedAt: number;
  /** `kid` of the outer header: the signing key of a JWS, the encryption key of a JWE. */
  readonly kid: string | undefined;
}

/**
 * The access tokens the client holds per lane: the newest and the one before, both used, so a
 * key rotation is crossed with tokens of the old key and of the new one in flight together.
 * Tokens are refreshed in the background; a refresh that fails (identity down) keeps the old
 * ones, which stay valid for minutes — as any OAuth client would.
 */
export class TokenBook {
  private readonly held = new Map<string, HeldToken[]>();
  private timer: NodeJS.Timeout | undefined;
  private picks = 0;
  refreshed = 0;
  refreshFailures = 0;
  lastRefreshError: string | null = null;
  /** Every refresh that failed, with when and why. */
  readonly failures: Array<{ at: number; lane: string; error: string }> = [];

  private readonly lanes: Lane[];

  constructor(
    private readonly identity: string,
    lanes: readonly Lane[],
  ) {
    this.lanes = [...lanes];
  }

  /** Holds tokens for one more lane from now on; throws when the first one cannot be issued. */
  async add(lane: Lane): Promise<void> {
    if (!this.lanes.includes(lane)) this.lanes.push(lane);
    const token = await clientCredentials(this.identity, lane.app.id, lane.app.secret, lane.api.audience);
    this.held.set(lane.name, [{ token, issuedAt: Date.now(), kid: headerKid(token) }, ...(this.held.get(lane.name) ?? [])].slice(0, 2));
  }

  /** A token for the lane, alternating between the newest and the previous one. */
  pick(lane: Lane): HeldToken {
    const tokens = this.held.get(lane.name);
    if (!tokens || tokens.length === 0) throw new Error(`no token for ${lane.name}`);
    this.picks += 1;
    return tokens[this.picks % tokens.length]!;
  }

  newest(lane: Lane): HeldToken | undefined {
    return this.held.get(lane.name)?.[0];
  }

  /** Fetches a fresh token for every lane; returns how many failed. */
  async refreshAll(): Promise<number> {
    let failed = 0;
    for (const lane of this.lanes) {
      try {
        const token = await clientCredentials(this.identity, lane.app.id, lane.app.secret, lane.api.audience);
        const tokens = this.held.get(lane.name) ?? [];
        this.held.set(lane.name, [{ token, issuedAt: Date.now(), kid: headerKid(token) }, ...tokens].slice(0, 2));
        this.refreshed += 1;
      } catch (error) {
        failed += 1;
        this.refreshFailures += 1;
        this.lastRefreshError = (error as Error).message.slice(0, 200);
        this.failures.push({ at: Date.now(), lane: lane.name, error: this.lastRefreshError });
      }
    }
    return failed;
  }

  startBackground(intervalMs: number): void {
    this.timer = setInterval(() => void this.refreshAll(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
