import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ClasspathLocation {
  /** The pom that pins the broker (deploy/kafka/pom.xml). */
  readonly pomPath: string;
  /** Folder for `classpath-<pom-hash>.txt`. */
  readonly cacheDir: string;
}

/** The cache file for a pom's content: changing the pom changes the file name. */
export function classpathCacheFile(cacheDir: string, pom: string | Buffer): string {
  const hash = createHash('sha256').update(pom).digest('hex').slice(0, 16);
  return join(cacheDir, `classpath-${hash}.txt`);
}

/** The cached classpath when it exists and every jar in it is still on disk. */
export async function cachedClasspath(location: ClasspathLocation): Promise<string | undefined> {
  const file = classpathCacheFile(location.cacheDir, await readFile(location.pomPath));
  let classpath: string;
  try {
    classpath = (await readFile(file, 'utf8')).trim();
  } catch {
    return undefined;
  }
  if (!classpath) return undefined;
  const present = await Promise.all(classpath.split(':').map((jar) => stat(jar).then(() => true, () => false)));
  return present.every(Boolean) ? classpath : undefined;
}

/**
 * The broker's classpath: from the cache, else resolved by Maven (which downloads the jars
 * into the local repository on first use) and cached.
 */
export async function resolveClasspath(location: ClasspathLocation, mvn = 'mvn'): Promise<{ classpath: string; cached: boolean }> {
  const cached = await cachedClasspath(location);
  if (cached) return { classpath: cached, cached: true };
  await mkdir(location.cacheDir, { recursive: true });
  const file = classpathCacheFile(location.cacheDir, await readFile(location.pomPath));
  const partial = `${file}.${process.pid}.tmp`;
  await new Promise<void>((resolve, reject) => {
    execFile(
      mvn,
      ['-q', '-B', '-Dstyle.color=never', '-f', location.pomPath, 'dependency:build-classpath', `-Dmdep.outputFile=${partial}`],
      { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve();
        const detail = `${stdout}\n${stderr}`.trim().split('\n').slice(-15).join('\n');
        const hint = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'Maven (mvn) is not installed' : `mvn failed (${error.message.split('\n')[0]})`;
        reject(new Error(`Kafka: cannot resolve the broker jars from ${location.pomPath}: ${hint}\n${detail}`));
      },
    );
  });
  const classpath = (await readFile(partial, 'utf8')).trim();
  await writeFile(partial, classpath);
  await rename(partial, file);
  return { classpath, cached: false };
}
