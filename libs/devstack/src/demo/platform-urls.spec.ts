import { describe, expect, it } from 'vitest';
import { platformUrlsFromEnv, urlExports } from './platform-urls';

describe('platform URLs of the admin tools', () => {
  it('default to the standard local ports', () => {
    expect(platformUrlsFromEnv({})).toEqual({
      identity: 'http://127.0.0.1:8081',
      catalog: 'http://127.0.0.1:8083',
      metering: 'http://127.0.0.1:8084',
      gateway: 'http://127.0.0.1:8080',
      gatewayControl: 'http://127.0.0.1:8090',
    });
    expect(urlExports(platformUrlsFromEnv({}))).toEqual([]);
  });

  it('take GATEHOUSE_* overrides without a trailing slash, and print exports for them only', () => {
    const urls = platformUrlsFromEnv({ GATEHOUSE_IDENTITY: 'http://127.0.0.1:9181/', GATEHOUSE_GATEWAY: 'https://gw.example.com' });
    expect(urls.identity).toBe('http://127.0.0.1:9181');
    expect(urls.gateway).toBe('https://gw.example.com');
    expect(urlExports(urls)).toEqual(['export GATEHOUSE_IDENTITY=http://127.0.0.1:9181', 'export GATEHOUSE_GATEWAY=https://gw.example.com']);
  });

  it('refuses a value that is not an http(s) URL, naming the variable', () => {
    expect(() => platformUrlsFromEnv({ GATEHOUSE_CATALOG: '127.0.0.1:8083' })).toThrow('GATEHOUSE_CATALOG must be an http(s) URL');
    expect(() => platformUrlsFromEnv({ GATEHOUSE_METERING: 'ftp://host' })).toThrow('GATEHOUSE_METERING must be an http(s) URL');
  });
});
