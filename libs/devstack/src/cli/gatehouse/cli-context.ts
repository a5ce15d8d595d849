import { tokenRequest } from '../../demo/admin-client';
import { devSecretsPath, readSecretsFile, type DevSecrets } from '../../demo/dev-secrets';
import { GatehouseAdmin } from '../../demo/gatehouse-admin';
import { platformUrlsFromEnv, type PlatformUrls } from '../../demo/platform-urls';
import { repoRoot } from '../../paths';
import { cliHome, type Session, SessionStore } from './session-store';

/** The first-party public client members log in with. */
export const CLI_CLIENT_ID = 'gatehouse-cli';

/** A mistake of the user (bad flag, missing login): printed without a stack, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CliIo {
  /** What the next command needs (an id, a token): stdout, one value per line. */
  out(text: string): void;
  /** What a person reads: stderr. */
  info(text: string): void;
}

/** Everything a command runs with. */
export class CliContext {
  readonly urls: PlatformUrls;
  readonly store: SessionStore;
  private client: GatehouseAdmin | undefined;

  constructor(
    readonly env: NodeJS.ProcessEnv,
    readonly io: CliIo,
  ) {
    this.urls = platformUrlsFromEnv(env);
    this.store = new SessionStore(cliHome(env));
  }

  /** `.gatehouse/secrets.json` of the repository `npm start` ran from, when the CLI runs from a checkout. */
  devSecretsPath(): string | undefined {
    try {
      return devSecretsPath(repoRoot());
    } catch {
      return undefined;
    }
  }

  async devSecrets(): Promise<Partial<DevSecrets>> {
    const path = this.devSecretsPath();
    return path ? readSecretsFile<DevSecrets>(path) : {};
  }

  /** The admin APIs, authenticated as the logged-in principal. */
  admin(): GatehouseAdmin {
    this.client ??= new GatehouseAdmin(this.urls, () => this.accessToken());
    return this.client;
  }

  private async accessToken(): Promise<string> {
    const session = await this.store.session();
    if (session?.kind === 'admin-token') return session.token;
    if (session?.kind === 'member') return session.expiresAt - 30_000 > Date.now() ? session.accessToken : this.refresh(session);
    const fromEnv = this.env.GATEHOUSE_ADMIN_TOKEN;
    if (fromEnv) return fromEnv;
    throw new UsageError('not logged in: run `npx gatehouse login` (or set GATEHOUSE_ADMIN_TOKEN)');
  }

  private async refresh(session: Extract<Session, { kind: 'member' }>): Promise<string> {
    try {
      const answer = await tokenRequest(this.urls.identity, { grant_type: 'refresh_token', refresh_token: session.refreshToken, client_id: CLI_CLIENT_ID });
      await this.store.saveSession(memberSession(session.username, answer));
      return answer.access_token;
    } catch (error) {
      throw new UsageError(`the login of ${session.username} has expired (${(error as Error).message}); run \`npx gatehouse login --email ${session.username}\` again`);
    }
  }
}

/** A member session from a token answer. */
export function memberSession(username: string, answer: { access_token: string; refresh_token?: string; expires_in: number }): Session {
  if (!answer.refresh_token) throw new Error('identity answered without a refresh token');
  return { kind: 'member', username, accessToken: answer.access_token, refreshToken: answer.refresh_token, expiresAt: Date.now() + answer.expires_in * 1000 };
}
