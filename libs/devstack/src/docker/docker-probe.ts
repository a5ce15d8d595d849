import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type DockerEndpoint = { readonly socketPath: string } | { readonly host: string; readonly port: number };

/**
 * Where a Docker engine may listen: DOCKER_HOST when set (unix:// or tcp://), else the usual
 * socket paths that exist on disk (system, rootless, Docker Desktop, Colima).
 */
export function dockerEndpoints(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): DockerEndpoint[] {
  const dockerHost = env.DOCKER_HOST?.trim();
  if (dockerHost) {
    if (dockerHost.startsWith('unix://')) return [{ socketPath: dockerHost.slice('unix://'.length) }];
    const tcp = /^tcp:\/\/([^:/]+)(?::(\d+))?/.exec(dockerHost);
    if (tcp) return [{ host: tcp[1]!, port: Number(tcp[2] ?? (env.DOCKER_TLS_VERIFY ? 2376 : 2375)) }];
    return [];
  }
  const home = homedir();
  const uid = process.getuid?.();
  const candidates = [
    '/var/run/docker.sock',
    env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'docker.sock') : undefined,
    uid !== undefined ? `/run/user/${uid}/docker.sock` : undefined,
    join(home, '.docker', 'run', 'docker.sock'),
    join(home, '.docker', 'desktop', 'docker.sock'),
    join(home, '.colima', 'default', 'docker.sock'),
  ];
  return [...new Set(candidates.filter((path): path is string => !!path && exists(path)))].map((socketPath) => ({ socketPath }));
}

function ping(endpoint: DockerEndpoint, timeoutMs: number, tls: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    // A TLS endpoint is only checked for a listening socket; testcontainers does the handshake.
    if (tls && 'host' in endpoint) {
      const socket = connect({ host: endpoint.host, port: endpoint.port });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
      return;
    }
    const req = request({ ...endpoint, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

/**
 * True when a Docker engine answers within `timeoutMs` (a few hundred ms). Never spawns the
 * `docker` client, which can hang when no engine runs. `GATEHOUSE_DOCKER=off` skips Docker.
 */
export async function dockerAvailable(env: NodeJS.ProcessEnv = process.env, timeoutMs = 400): Promise<boolean> {
  if (/^(off|0|false|no)$/i.test(env.GATEHOUSE_DOCKER ?? '')) return false;
  const endpoints = dockerEndpoints(env);
  const answers = await Promise.all(endpoints.map((endpoint) => ping(endpoint, timeoutMs, !!env.DOCKER_TLS_VERIFY)));
  return answers.some(Boolean);
}
