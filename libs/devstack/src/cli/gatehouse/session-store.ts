import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readSecretsFile, writeSecretsFile } from '../../demo/dev-secrets';

/** How the CLI authenticates to the admin APIs. */
export type Session =
  | { readonly kind: 'admin-token'; readonly token: string }
  | { readonly kind: 'member'; readonly username: string; readonly accessToken: string; readonly refreshToken: string; readonly expiresAt: number };

interface SessionFile {
  session?: Session;
}

interface ClientsFile {
  clients?: Record<string, string>;
}

/** `$GATEHOUSE_HOME`, else `~/.gatehouse`: the CLI's session and the client secrets it created (files mode 0600). */
export function cliHome(env: NodeJS.ProcessEnv): string {
  return env.GATEHOUSE_HOME || join(homedir(), '.gatehouse');
}

/** The CLI's files. */
export class SessionStore {
  constructor(private readonly home: string) {}

  get sessionPath(): string {
    return join(this.home, 'session.json');
  }

  get clientsPath(): string {
    return join(this.home, 'clients.json');
  }

  async session(): Promise<Session | undefined> {
    return (await readSecretsFile<SessionFile>(this.sessionPath)).session;
  }

  saveSession(session: Session): Promise<void> {
    return writeSecretsFile(this.sessionPath, { session });
  }

  async forget(): Promise<void> {
    await rm(this.sessionPath, { force: true });
  }

  async clientSecret(clientId: string): Promise<string | undefined> {
    return (await readSecretsFile<ClientsFile>(this.clientsPath)).clients?.[clientId];
  }

  async saveClientSecret(clientId: string, secret: string): Promise<void> {
    const file = await readSecretsFile<ClientsFile>(this.clientsPath);
    await writeSecretsFile(this.clientsPath, { ...file, clients: { ...file.clients, [clientId]: secret } });
  }
}
