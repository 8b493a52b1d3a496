import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signLoginToken } from '../../../src/cluster/auth.js';
import { connect } from '../../../src/cluster/connect.js';
import { mockClusterConfig } from '../../../src/config/resolve.js';
import type { ClusterConfig } from '../../../src/config/types.js';
import { CliError, ExitCode } from '../../../src/core/errors.js';
import { captureLog, sendJson, startServer, type Handler, type TestServer } from '../../helpers/http-test-server.js';

const UID = 'stateful-ops-bot';
const ACS_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.acs-session-token.sig';
let dir = '';
let keyPath = '';
let publicKey: KeyObject;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stateful-ops-sa-'));
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  publicKey = pair.publicKey;
  keyPath = join(dir, 'bot.pem');
  writeFileSync(keyPath, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** What Admin Router's IAM does with a service login: check the RS256 signature and the claims. */
function verifyLoginJwt(jwt: string): { uid: unknown; exp: unknown; alg: unknown } {
  const [header = '', claims = '', signature = ''] = jwt.split('.');
  const ok = verify('sha256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature, 'base64url'));
  if (!ok) throw new Error('bad signature');
  const h = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg: unknown };
  const c = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { uid: unknown; exp: unknown };
  expect(Object.keys(c).sort()).toEqual(['exp', 'uid']);
  return { ...c, alg: h.alg };
}

function iam(loginAnswer?: (body: { uid: string; token: string }) => [number, unknown]): Handler {
  return (req, res) => {
    if (req.method === 'POST' && req.url === '/acs/api/v1/auth/login') {
      const body = JSON.parse(req.body) as { uid: string; token: string };
      if (loginAnswer) {
        const [status, answer] = loginAnswer(body);
        return sendJson(res, status, answer);
      }
      try {
        const claims = verifyLoginJwt(body.token);
        if (claims.uid !== body.uid || claims.alg !== 'RS256') return sendJson(res, 401, { description: 'uid mismatch' });
        return sendJson(res, 200, { token: ACS_TOKEN });
      } catch {
        return sendJson(res, 401, { title: 'Unauthorized', description: 'The signature of the service login token is invalid.', code: 'ERR_INVALID_SERVICE_LOGIN_TOKEN' });
      }
    }
    if (req.headers.authorization !== `token=${ACS_TOKEN}`) return sendJson(res, 401, { message: 'login required' });
    sendJson(res, 200, { tasks: [] });
  };
}

async function serviceAccountCluster(handler: Handler, key = keyPath) {
  const server: TestServer = await startServer(handler);
  const config: ClusterConfig = {
    ...mockClusterConfig(server.url, undefined, {}),
    auth: { kind: 'service-account', uid: UID, privateKeyPath: key, source: 'flag' },
  };
  const { log, text } = captureLog(2);
  const c = await connect(config, log);
  cleanups.push(async () => {
    await c.close();
    await server.close();
  });
  return { c, server, log: text };
}

describe('service-account login', () => {
  it('logs in with an RS256 JWT {uid, exp: now+5min} and sends the ACS token afterwards', async () => {
    const { c, server } = await serviceAccountCluster(iam());
    expect(await c.marathon.tasks()).toEqual([]);
    const [login, get] = server.seen;
    expect(login?.url).toBe('/acs/api/v1/auth/login');
    expect(login?.headers.authorization).toBeUndefined();
    const body = JSON.parse(login?.body ?? '') as { uid: string; token: string };
    expect(body.uid).toBe(UID);
    const claims = verifyLoginJwt(body.token);
    expect(claims.uid).toBe(UID);
    const now = Date.now() / 1000;
    expect(claims.exp).toBeGreaterThan(now + 290);
    expect(claims.exp).toBeLessThan(now + 310);
    expect(get?.headers.authorization).toBe(`token=${ACS_TOKEN}`);
  });

  it('logs in lazily and once per run, even for concurrent first requests', async () => {
    const { c, server } = await serviceAccountCluster(iam());
    expect(server.seen).toHaveLength(0);
    await Promise.all([c.marathon.tasks(), c.mesos.slaves().catch(() => undefined)]);
    await c.marathon.tasks();
    expect(server.seen.filter((r) => r.url === '/acs/api/v1/auth/login')).toHaveLength(1);
  });

  it('a refused login shows the ACS description and never the tokens', async () => {
    let sentJwt = '';
    const { c, server, log } = await serviceAccountCluster(
      iam(({ token }) => {
        sentJwt = token;
        return [401, { title: 'Unauthorized', description: `Service login token ${token} rejected: unknown uid`, code: 'ERR' }];
      }),
    );
    const err = (await c.marathon.tasks().catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err.message).toMatch(/^service account login as 'stateful-ops-bot' failed: Service login token \*\*\* rejected: unknown uid$/);
    expect(err.exitCode).toBe(ExitCode.AUTH);
    expect(sentJwt).not.toBe('');
    expect(`${err.message}${err.hint ?? ''}${log()}`).not.toContain(sentJwt);
    expect(server.seen.map((r) => r.url)).toEqual(['/acs/api/v1/auth/login']);
  });

  it('a key signed by another keypair is rejected by the server side verification', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const otherPath = join(dir, 'other.pem');
    writeFileSync(otherPath, other.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const { c } = await serviceAccountCluster(iam(), otherPath);
    await expect(c.marathon.tasks()).rejects.toThrow(
      "service account login as 'stateful-ops-bot' failed: The signature of the service login token is invalid.",
    );
  });

  it('a file that is not a PEM key is a config error that does not echo the file', async () => {
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not-a-key-but-maybe-a-secret', { mode: 0o600 });
    const { c } = await serviceAccountCluster(iam(), junk);
    const err = (await c.marathon.tasks().catch((e: unknown) => e)) as CliError;
    expect(err.message).toBe(`the service account key '${junk}' is not a PEM private key`);
    expect(err.message).not.toContain('maybe-a-secret');
  });

  it('signLoginToken produces a verifiable RS256 JWT', async () => {
    const { createPrivateKey } = await import('node:crypto');
    const { readFileSync } = await import('node:fs');
    const jwt = signLoginToken(UID, createPrivateKey(readFileSync(keyPath, 'utf8')), 1_700_000_000_000);
    const claims = verifyLoginJwt(jwt);
    expect(claims).toEqual({ uid: UID, exp: 1_700_000_300, alg: 'RS256' });
  });
});
