import { describe, expect, it } from 'vitest';
import { dockerAvailable, dockerEndpoints } from './docker-probe';

describe('dockerEndpoints', () => {
  it('uses DOCKER_HOST alone when it is set', () => {
    expect(dockerEndpoints({ DOCKER_HOST: 'unix:///run/podman.sock' }, () => true)).toEqual([{ socketPath: '/run/podman.sock' }]);
    expect(dockerEndpoints({ DOCKER_HOST: 'tcp://10.0.0.5:2375' }, () => true)).toEqual([{ host: '10.0.0.5', port: 2375 }]);
    expect(dockerEndpoints({ DOCKER_HOST: 'tcp://docker', DOCKER_TLS_VERIFY: '1' }, () => true)).toEqual([{ host: 'docker', port: 2376 }]);
    expect(dockerEndpoints({ DOCKER_HOST: 'ssh://me@host' }, () => true)).toEqual([]);
  });

  it('otherwise lists the usual sockets that exist', () => {
    expect(dockerEndpoints({}, (path) => path === '/var/run/docker.sock')).toEqual([{ socketPath: '/var/run/docker.sock' }]);
    expect(dockerEndpoints({}, () => false)).toEqual([]);
  });
});

describe('dockerAvailable', () => {
  it('is false without asking anything when GATEHOUSE_DOCKER=off', async () => {
    expect(await dockerAvailable({ GATEHOUSE_DOCKER: 'off', DOCKER_HOST: 'unix:///nonexistent' })).toBe(false);
  });
});
