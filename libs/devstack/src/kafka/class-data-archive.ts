import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { processExists } from '../process/guarded-process';

export interface ClassDataArchive {
  /** JVM options: use the archive, or record one when this broker exits. */
  readonly jvmOptions: readonly string[];
  /** Call after the broker exited: keeps a freshly recorded archive. */
  finish(): Promise<void>;
}

/** The archive file for this classpath and this exact JVM build (`java -version` output). */
export function archiveFile(cacheDir: string, classpath: string, javaVersion: string): string {
  const hash = createHash('sha256').update(classpath).update('\0').update(javaVersion).digest('hex').slice(0, 16);
  return join(cacheDir, `classes-${hash}.jsa`);
}

/**
 * AppCDS: the first broker records the classes it loaded into a dynamic archive when it exits;
 * later brokers map it and start about a second faster. A JVM that cannot use an archive
 * ignores it, and the file name changes with the classpath and the JVM build.
 */
export async function classDataArchive(cacheDir: string, classpath: string, javaVersion: string): Promise<ClassDataArchive> {
  const file = archiveFile(cacheDir, classpath, javaVersion);
  if (existsSync(file)) return { jvmOptions: [`-XX:SharedArchiveFile=${file}`, '-Xshare:auto'], finish: async () => undefined };
  await removeAbandonedRecordings(cacheDir);
  const partial = `${file}.${process.pid}.tmp`;
  return {
    jvmOptions: [`-XX:ArchiveClassesAtExit=${partial}`],
    finish: async () => {
      const size = await stat(partial).then((info) => info.size, () => 0);
      if (size > 1024 * 1024 && !existsSync(file)) await rename(partial, file).catch(() => undefined);
      await rm(partial, { force: true });
    },
  };
}

/** Recordings left by brokers whose parent died before keeping them. */
async function removeAbandonedRecordings(cacheDir: string): Promise<void> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = /^classes-[0-9a-f]+\.jsa\.(\d+)\.tmp$/.exec(name)?.[1];
    if (pid && !processExists(Number(pid))) await rm(join(cacheDir, name), { force: true });
  }
}
