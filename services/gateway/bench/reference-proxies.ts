import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '@gatehouse/devstack';

/** A C reference proxy run as a child process for the comparison. */
export interface ReferenceProxy {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  stop(): void;
}

export function binary(name: string): string | null {
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`port ${port} did not open`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** nginx `proxy_pass` with an upstream keep-alive pool: the plain-hop reference (one worker). */
export async function startNginx(upstreamPort: number): Promise<ReferenceProxy | string> {
  const nginx = binary('nginx');
  if (!nginx) return 'nginx is not installed (Debian package `nginx`): skipped';
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-nginx-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream up { server 127.0.0.1:${upstreamPort}; keepalive 128; }
  server {
    listen 127.0.0.1:${port};
    location /pets/v1/ { proxy_pass http://up/; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`,
  );
  const child = spawn(nginx, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  await waitForPort(port, child);
  return { name: 'nginx proxy_pass (no auth, 1 worker)', url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

/** HAProxy verifying the ES256 token with `jwt_verify`, then proxying: the C gateway reference (one thread). */
export async function startHaproxy(upstreamPort: number, publicKeyPem: string): Promise<ReferenceProxy | string> {
  const haproxy = binary('haproxy');
  if (!haproxy) return 'haproxy is not installed (Debian package `haproxy`, 2.5+ for jwt_verify): skipped';
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-haproxy-'));
  const port = await freePort();
  writeFileSync(join(dir, 'pub.pem'), publicKeyPem);
  writeFileSync(
    join(dir, 'haproxy.cfg'),
    `global
  nbthread 1
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend bench
  bind 127.0.0.1:${port}
  http-request set-var(txn.bearer) http_auth_bearer
  http-request set-var(txn.alg) var(txn.bearer),jwt_header_query('$.alg')
  http-request deny deny_status 401 unless { var(txn.alg) -m str ES256 }
  http-request deny deny_status 401 unless { var(txn.bearer),jwt_verify(txn.alg,"${dir}/pub.pem") -m int 1 }
  default_backend upstream
backend upstream
  http-reuse always
  http-request set-path %[path,regsub(^/pets/v1,)]
  server up 127.0.0.1:${upstreamPort}
`,
  );
  const child = spawn(haproxy, ['-f', join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
  await waitForPort(port, child);
  return { name: 'HAProxy jwt_verify ES256 (1 thread)', url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}
