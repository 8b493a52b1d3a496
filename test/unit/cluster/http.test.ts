import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../../src/cluster/connect.js';
import { mockClusterConfig } from '../../../src/config/resolve.js';
import type { ClusterConfig } from '../../../src/config/types.js';
import { CliError } from '../../../src/core/errors.js';
import { captureLog, sendJson, testServers, type Handler } from '../../helpers/http-test-server.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.another-secret.c2ln';
const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const TASKS = { tasks: [{ id: 'postgres.1', appId: '/postgres' }] };

const { serve, closeLater } = testServers();

async function open(config: ClusterConfig, verbosity = 0): Promise<{ c: Connection; log: () => string }> {
  const { log, text } = captureLog(verbosity);
  const c = await connect(config, log, { retry: FAST_RETRY });
  closeLater(() => c.close());
  return { c, log: text };
}

/** Answers with `statuses` in turn, then 200 with TASKS. */
function sequence(...statuses: number[]): Handler {
  let n = 0;
  return (_req, res) => {
    const status = statuses[n++];
    if (status === undefined) sendJson(res, 200, TASKS);
    else sendJson(res, status, { message: `status ${status}` });
  };
}

describe('retries', () => {
  it('GET is retried on 502/503/504 and succeeds once the service answers', async () => {
    const server = await serve(sequence(503, 502));
    const { c, log } = await open(mockClusterConfig(server.url, TOKEN, {}), 1);
    expect(await c.marathon.tasks()).toEqual(TASKS.tasks);
    expect(server.seen).toHaveLength(3);
    expect(log()).toMatch(/Marathon answered 503; retrying GET .*\/v2\/tasks in \d+ ms \(attempt 2\/3\)/);
  });

  it('GET gives up after 3 attempts', async () => {
    const server = await serve(sequence(504, 504, 504, 504));
    const { c } = await open(mockClusterConfig(server.url, undefined, {}));
    await expect(c.marathon.tasks()).rejects.toThrow(/^Marathon answered 504: status 504/);
    expect(server.seen).toHaveLength(3);
  });

  it('GET is not retried on 500', async () => {
    const server = await serve(sequence(500));
    const { c } = await open(mockClusterConfig(server.url, undefined, {}));
    await expect(c.marathon.tasks()).rejects.toThrow(/answered 500/);
    expect(server.seen).toHaveLength(1);
  });

  it('POST and DELETE (kill/wipe) are never retried, even on 503', async () => {
    const server = await serve(sequence(503, 503));
    const { c } = await open(mockClusterConfig(server.url, undefined, {}));
    await expect(c.marathon.killTasks(['postgres.1'], { wipe: true })).rejects.toThrow(/answered 503/);
    expect(server.seen).toHaveLength(1);
    await expect(c.marathon.killTask('/postgres', 'postgres.1', { wipe: true })).rejects.toThrow(/answered 503/);
    expect(server.seen).toHaveLength(2);
  });

  it('retries stay within the one overall deadline', async () => {
    const server = await serve((_req, res) => setTimeout(() => sendJson(res, 503, { message: 'busy' }), 400));
    const { c } = await open(mockClusterConfig(server.url, undefined, { timeout: '1' }));
    const started = Date.now();
    const err = (await c.marathon.tasks().catch((e: unknown) => e)) as CliError;
    expect(Date.now() - started).toBeLessThan(1500);
    expect(err.message).toMatch(/^Marathon (did not answer within 1s|answered 503: busy)/);
    expect(server.seen.length).toBeLessThanOrEqual(3);
  });

  it('a dropped connection is retried for GET but not for POST', async () => {
    let drops = 1;
    const handler: Handler = (_req, res, socket) => {
      if (drops-- > 0) socket.destroy();
      else sendJson(res, 200, TASKS);
    };
    const server = await serve(handler);
    const { c } = await open(mockClusterConfig(server.url, undefined, {}));
    expect(await c.marathon.tasks()).toHaveLength(1);
    expect(server.seen).toHaveLength(2);

    drops = 1;
    const err = await c.marathon.killTasks(['postgres.1'], { wipe: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toMatch(/^cannot reach Marathon at .*: connection (closed by the server|reset)/);
    expect(server.seen).toHaveLength(3);
  });
});

describe('request headers and tracing', () => {
  it('sends the token, a stateful-ops User-Agent and Accept: application/json', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, TASKS));
    const { c } = await open(mockClusterConfig(server.url, TOKEN, {}));
    await c.marathon.tasks();
    await c.marathon.killTasks(['postgres.1', 'postgres.2'], { wipe: true });
    const [get, post] = server.seen;
    expect(get?.headers.authorization).toBe(`token=${TOKEN}`);
    expect(get?.headers['user-agent']).toMatch(/^stateful-ops\/\d+\.\d+\.\d+/);
    expect(get?.headers.accept).toBe('application/json');
    expect(post?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(post?.body ?? '')).toEqual({ ids: ['postgres.1', 'postgres.2'] });
  });

  it('-vv logs each request line, status and duration, never the token', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, TASKS));
    const { c, log } = await open(mockClusterConfig(server.url, TOKEN, {}), 2);
    await c.marathon.tasks();
    expect(log()).toMatch(new RegExp(`GET ${server.url}/service/marathon/v2/tasks → 200, \\d+ chars \\(\\d+ ms\\)`));
    expect(log()).not.toContain(TOKEN);
  });

  it('-v alone does not trace requests', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, TASKS));
    const { c, log } = await open(mockClusterConfig(server.url, TOKEN, {}), 1);
    await c.marathon.tasks();
    expect(log()).not.toContain('/v2/tasks');
  });
});

describe('HTTP proxy from the environment', () => {
  let proxy: Server;
  let proxyUrl = '';
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // A minimal forward proxy: CONNECT tunnels and absolute-form requests.
    proxy = createHttpServer((req, res) => {
      tunnels.push(`GET ${req.url}`);
      const target = new URL(req.url ?? '');
      const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    proxy.on('connect', (req, client: Socket, head: Buffer) => {
      tunnels.push(`CONNECT ${req.url}`);
      const [host, port] = (req.url ?? '').split(':');
      const upstream = netConnect(Number(port), host ?? '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => s.destroy());
      }
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address();
    proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('goes through HTTP_PROXY', async () => {
    tunnels.length = 0;
    const server = await serve((_req, res) => sendJson(res, 200, TASKS));
    const config = { ...mockClusterConfig(server.url, undefined, {}), proxy: { httpProxy: proxyUrl } };
    const { c } = await open(config);
    expect(await c.marathon.tasks()).toHaveLength(1);
    expect(tunnels.join('\n')).toContain(new URL(server.url).host);
  });

  it('honours NO_PROXY', async () => {
    tunnels.length = 0;
    const server = await serve((_req, res) => sendJson(res, 200, TASKS));
    const config = { ...mockClusterConfig(server.url, undefined, {}), proxy: { httpProxy: proxyUrl, noProxy: '127.0.0.1' } };
    const { c } = await open(config);
    expect(await c.marathon.tasks()).toHaveLength(1);
    expect(tunnels).toEqual([]);
  });
});

describe('TLS', () => {
  let dir = '';
  let certPath = '';
  let httpsUrl = '';
  let https: Server;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stateful-ops-tls-'));
    certPath = join(dir, 'cert.pem');
    const keyPath = join(dir, 'key.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    https = createHttpsServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) }, (_req, res) => sendJson(res, 200, TASKS));
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    const address = https.address();
    httpsUrl = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    https.closeAllConnections();
    await new Promise((resolve) => https.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('an untrusted certificate is a TLS error with the --ca-bundle / --insecure hint', async () => {
    const { c } = await open(mockClusterConfig(httpsUrl, TOKEN, {}));
    const err = (await c.marathon.tasks().catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err.kind).toBe('tls');
    expect(err.message).toBe(`TLS handshake with Marathon at ${httpsUrl}/service/marathon failed: self-signed certificate (untrusted CA)`);
    expect(err.hint).toContain('--ca-bundle');
    expect(err.hint).toContain('--insecure');
  });

  it('trusts the cluster CA given as a bundle', async () => {
    const config = { ...mockClusterConfig(httpsUrl, TOKEN, {}), tls: { verify: true, caPath: certPath, source: 'flag' as const } };
    const { c, log } = await open(config);
    expect(await c.marathon.tasks()).toHaveLength(1);
    expect(log()).not.toContain('Warning');
  });

  it('--insecure skips verification and warns loudly, once', async () => {
    const config = { ...mockClusterConfig(httpsUrl, TOKEN, {}), tls: { verify: false, source: 'flag' as const } };
    const { c, log } = await open(config);
    await c.marathon.tasks();
    await c.mesos.masterFlags().catch(() => undefined);
    expect(log().match(/Warning: TLS certificate verification is DISABLED/g)).toHaveLength(1);
  });

  it('https:// against a plain-HTTP server hints at the scheme', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, TASKS));
    const { c } = await open(mockClusterConfig(server.url.replace('http:', 'https:'), undefined, {}));
    const err = (await c.marathon.tasks().catch((e: unknown) => e)) as CliError;
    expect(err.kind).toBe('tls');
    expect(err.hint).toContain('http://');
  });
});
