import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_ACCOUNT_UID } from '../../src/mock/paths.js';
import { resetMock } from '../../src/mock/scenario.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { tempDir } from '../helpers/cli.js';

/** An RS256 JWT built by hand with node:crypto, the way `dcos auth login` builds its service login token. */
function serviceLoginToken(claims: Record<string, unknown>, privateKeyPem: string, alg = 'RS256'): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${part({ alg, typ: 'JWT' })}.${part(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), createPrivateKey(privateKeyPem)).toString('base64url')}`;
}

const inFiveMinutes = () => Math.floor(Date.now() / 1000) + 300;

describe('a mock cluster that requires authentication', () => {
  const { dir, cleanup } = tempDir('stateful-ops-mock-auth-');
  let server: MockServer;
  let keyPem: string;
  let keyPath: string;

  beforeAll(async () => {
    const result = resetMock({ stateDir: dir, scenario: 'default', flavour: '1.10', requireAuth: true });
    expect(result.serviceAccount?.uid).toBe(SERVICE_ACCOUNT_UID);
    keyPath = result.serviceAccount?.keyPath ?? '';
    keyPem = readFileSync(keyPath, 'utf8');
    server = await startMockServer({ stateDir: dir, log: () => undefined });
  });
  afterAll(async () => {
    await server.close();
    cleanup();
  });

  const login = (body: unknown) =>
    fetch(`${server.url}/acs/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('writes the service-account private key with mode 0600', () => {
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('answers 401 with WWW-Authenticate: oauthjwt without a valid token, on every service', async () => {
    for (const path of ['/service/marathon/v2/tasks', '/mesos/slaves', `/agent/d935ca7e-e29d-4503-94e7-25fe9f16847c-S0/flags`]) {
      const bare = await fetch(`${server.url}${path}`);
      expect(bare.status, path).toBe(401);
      expect(bare.headers.get('www-authenticate'), path).toBe('oauthjwt');
      const forged = await fetch(`${server.url}${path}`, { headers: { authorization: 'token=not.a.jwt' } });
      expect(forged.status, path).toBe(401);
    }
    expect((await fetch(`${server.url}/dcos-metadata/dcos-version.json`)).status).toBe(200);
  });

  it('logs a service account in with an RS256 JWT and accepts the issued token as token= and Bearer', async () => {
    const res = await login({ uid: SERVICE_ACCOUNT_UID, token: serviceLoginToken({ uid: SERVICE_ACCOUNT_UID, exp: inFiveMinutes() }, keyPem) });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    expect(token.split('.')).toHaveLength(3);
    for (const authorization of [`token=${token}`, `Bearer ${token}`]) {
      const r = await fetch(`${server.url}/service/marathon/v2/apps/postgres/tasks`, { headers: { authorization } });
      expect(r.status, authorization.slice(0, 6)).toBe(200);
    }
    const cookie = await fetch(`${server.url}/mesos/slaves`, { headers: { cookie: `dcos-acs-auth-cookie=${token}` } });
    expect(cookie.status).toBe(200);
  });

  it('refuses a token signed with another key, an expired one, a uid mismatch, or HS256, with the IAM error shape', async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const cases: [unknown, RegExp][] = [
      [{ uid: SERVICE_ACCOUNT_UID, token: serviceLoginToken({ uid: SERVICE_ACCOUNT_UID, exp: inFiveMinutes() }, otherKey) }, /invalid signature/],
      [{ uid: SERVICE_ACCOUNT_UID, token: serviceLoginToken({ uid: SERVICE_ACCOUNT_UID, exp: 1_000_000 }, keyPem) }, /expired/],
      [{ uid: SERVICE_ACCOUNT_UID, token: serviceLoginToken({ uid: 'someone-else', exp: inFiveMinutes() }, keyPem) }, /uid/],
      [{ uid: SERVICE_ACCOUNT_UID, token: serviceLoginToken({ uid: SERVICE_ACCOUNT_UID, exp: inFiveMinutes() }, keyPem, 'HS256') }, /HS256/],
      [{ uid: 'nobody', token: serviceLoginToken({ uid: 'nobody', exp: inFiveMinutes() }, keyPem) }, /wrong uid/],
    ];
    for (const [body, description] of cases) {
      const res = await login(body);
      expect(res.status).toBe(401);
      const error = (await res.json()) as { title: string; description: string; code: string };
      expect(error).toEqual({ title: 'Unauthorized', description: expect.stringMatching(description), code: 'ERR_INVALID_CREDENTIALS' });
    }
    const notJson = await fetch(`${server.url}/acs/api/v1/auth/login`, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
  });
});
