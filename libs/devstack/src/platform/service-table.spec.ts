import { describe, expect, it } from 'vitest';
import { portVariable, resolvePorts, SERVICES, serviceEntry, serviceEnv } from './service-table';

const context = { kafkaBrokers: '127.0.0.1:9092', databaseUrl: 'postgres://postgres@127.0.0.1:5432/gatehouse', stateDir: '/repo/.gatehouse', env: { PATH: '/usr/bin', PORT: '1' } };
const spec = (name: string) => SERVICES.find((service) => service.name === name)!;

describe('service table', () => {
  it('runs the five services on the default port convention', () => {
    const ports = Object.fromEntries(SERVICES.map((service) => [service.name, resolvePorts(service, {})]));
    expect(Object.keys(ports).sort()).toEqual(['catalog', 'gateway', 'identity', 'keys', 'metering']);
    expect(ports.identity!.port).toBe(8081);
    expect(ports.keys!.port).toBe(8082);
    expect(ports.catalog!.port).toBe(8083);
    expect(ports.metering!.port).toBe(8084);
    expect(ports.gateway!.port).toBe(8090);
    expect(ports.gateway!.extra).toEqual({ GATEWAY_PROXY_PORT: 8080 });
  });

  it('gives every service the platform env contract, overriding an inherited PORT', () => {
    const env = serviceEnv(spec('keys'), context);
    expect(env).toMatchObject({
      PATH: '/usr/bin',
      PORT: '8082',
      DATABASE_URL: context.databaseUrl,
      KAFKA_BROKERS: context.kafkaBrokers,
      KAFKA_TOPIC_PREFIX: '',
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
    });
    expect(env.GATEWAY_PROXY_PORT).toBeUndefined();
  });

  it('gives the gateway its control plane as PORT and its data plane as GATEWAY_PROXY_PORT', () => {
    const env = serviceEnv(spec('gateway'), context);
    expect(env.PORT).toBe('8090');
    expect(env.GATEWAY_PROXY_PORT).toBe('8080');
  });

  it('keeps the gateway usage journal in the state folder unless GATEWAY_JOURNAL_DIR names one', () => {
    expect(serviceEnv(spec('gateway'), context).GATEWAY_JOURNAL_DIR).toBe('/repo/.gatehouse/gateway-journal');
    expect(serviceEnv(spec('gateway'), { ...context, env: { GATEWAY_JOURNAL_DIR: '/var/journal' } }).GATEWAY_JOURNAL_DIR).toBe('/var/journal');
    expect(serviceEnv(spec('keys'), context).GATEWAY_JOURNAL_DIR).toBeUndefined();
  });

  it('gives the gateway a larger young generation, keeping NODE_OPTIONS it inherits', () => {
    expect(serviceEnv(spec('gateway'), context).NODE_OPTIONS).toBe('--max-semi-space-size=32');
    expect(serviceEnv(spec('gateway'), { ...context, env: { NODE_OPTIONS: '--enable-source-maps' } }).NODE_OPTIONS).toBe('--enable-source-maps --max-semi-space-size=32');
    expect(serviceEnv(spec('gateway'), { ...context, env: { NODE_OPTIONS: '--max-semi-space-size=64' } }).NODE_OPTIONS).toBe('--max-semi-space-size=64');
    expect(serviceEnv(spec('keys'), context).NODE_OPTIONS).toBeUndefined();
  });

  it('lets the parent env override ports, log level and topic prefix', () => {
    const env = serviceEnv(spec('gateway'), { ...context, env: { GATEWAY_PORT: '9190', GATEWAY_PROXY_PORT: '9180', LOG_LEVEL: 'debug', KAFKA_TOPIC_PREFIX: 'dev.' } });
    expect(env).toMatchObject({ PORT: '9190', GATEWAY_PROXY_PORT: '9180', LOG_LEVEL: 'debug', KAFKA_TOPIC_PREFIX: 'dev.' });
  });

  it('adds a service’s own env from the table', () => {
    const custom = { ...spec('keys'), env: () => ({ KEYS_MASTER_KEY_FILE: '/tmp/master.key' }) };
    expect(serviceEnv(custom, context).KEYS_MASTER_KEY_FILE).toBe('/tmp/master.key');
  });

  it('rejects a port override that is not a TCP port, naming the variable', () => {
    expect(() => resolvePorts(spec('keys'), { KEYS_PORT: 'eighty' })).toThrow('KEYS_PORT must be a TCP port (1-65535), got "eighty"');
    expect(() => resolvePorts(spec('keys'), { KEYS_PORT: '70000' })).toThrow('KEYS_PORT');
  });

  it('names port variables and entry points after the service', () => {
    expect(portVariable('metering')).toBe('METERING_PORT');
    expect(serviceEntry('catalog')).toBe('dist/services/catalog/src/main.js');
  });
});
