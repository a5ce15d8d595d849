import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stateDir } from '../paths';

/** What `npm start` keeps in `.gatehouse/secrets.json` (mode 0600, gitignored). */
export interface DevSecrets {
  /** The platform admin credential (`ADMIN_BOOTSTRAP_TOKEN`) the services were started with. */
  adminToken?: string;
  /** Client secrets by client id (identity shows a secret once, when it is created). */
  clients?: Record<string, string>;
}

/** `.gatehouse/secrets.json` of the repository. */
export function devSecretsPath(root?: string): string {
  return join(stateDir(root), 'secrets.json');
}

/** Reads a secrets file; a missing one is empty, an unreadable one is an error naming it. */
export async function readSecretsFile<T extends object>(path: string): Promise<Partial<T>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Partial<T>;
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); fix or delete it`);
  }
}

/** Writes a secrets file readable by its owner only (0600), replacing it atomically. */
export async function writeSecretsFile(path: string, value: object): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

/** The bootstrap admin token rules the services apply (16+ characters of the RFC 6750 token alphabet). */
export function isValidAdminToken(token: string): boolean {
  return token.length >= 16 && /^[A-Za-z0-9\-._~+/]+=*$/.test(token);
}

/**
 * The platform admin token for `npm start`: `ADMIN_BOOTSTRAP_TOKEN` from the environment, else
 * the one kept in `.gatehouse/secrets.json`, else a new random one saved there.
 */
export async function ensureAdminToken(path: string, env: NodeJS.ProcessEnv): Promise<{ token: string; source: 'env' | 'file' | 'generated' }> {
  const fromEnv = env.ADMIN_BOOTSTRAP_TOKEN;
  if (fromEnv) {
    if (!isValidAdminToken(fromEnv)) throw new Error('ADMIN_BOOTSTRAP_TOKEN must be at least 16 characters of A-Z a-z 0-9 - . _ ~ + / (then optional =)');
    return { token: fromEnv, source: 'env' };
  }
  const secrets = await readSecretsFile<DevSecrets>(path);
  if (secrets.adminToken && isValidAdminToken(secrets.adminToken)) return { token: secrets.adminToken, source: 'file' };
  const token = randomBytes(32).toString('base64url');
  await writeSecretsFile(path, { ...secrets, adminToken: token });
  return { token, source: 'generated' };
}

/** Remembers a client secret in the secrets file. */
export async function saveClientSecret(path: string, clientId: string, secret: string): Promise<void> {
  const secrets = await readSecretsFile<DevSecrets>(path);
  await writeSecretsFile(path, { ...secrets, clients: { ...secrets.clients, [clientId]: secret } });
}
