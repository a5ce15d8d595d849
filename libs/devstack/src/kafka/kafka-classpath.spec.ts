import { describe, expect, it } from 'vitest';
import { classpathCacheFile } from './kafka-classpath';
import { archiveFile } from './class-data-archive';

describe('cache file names', () => {
  it('change with the pom content, so a new broker version resolves again', () => {
    const a = classpathCacheFile('/c', '<kafka.version>3.9.1</kafka.version>');
    expect(a).toMatch(/^\/c\/classpath-[0-9a-f]{16}\.txt$/);
    expect(classpathCacheFile('/c', '<kafka.version>3.9.1</kafka.version>')).toBe(a);
    expect(classpathCacheFile('/c', '<kafka.version>4.0.0</kafka.version>')).not.toBe(a);
  });

  it('tie the class data archive to both the classpath and the JVM build', () => {
    const a = archiveFile('/c', '/m2/a.jar', 'openjdk version "17.0.15"');
    expect(a).toMatch(/^\/c\/classes-[0-9a-f]{16}\.jsa$/);
    expect(archiveFile('/c', '/m2/b.jar', 'openjdk version "17.0.15"')).not.toBe(a);
    expect(archiveFile('/c', '/m2/a.jar', 'openjdk version "17.0.16"')).not.toBe(a);
  });
});
