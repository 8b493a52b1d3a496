import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AuthConfig } from '../config/types.js';
import { CliError } from '../core/errors.js';
import { statusError, upstreamMessage, type ServiceRef } from './http-errors.js';
import type { AuthorizationSource, HttpClient } from './http.js';

/**
 * ACS authentication (../shared/reference/dcos-cli/README.md §3): `Authorization: token=<ACS token>`;
 * a service account logs in with an RS256 JWT `{uid, exp: now+5min}` POSTed with its uid to
 * `<dcos>/acs/api/v1/auth/login`, lazily on the first request and once per run.
 */

const LOGIN_PATH = '/acs/api/v1/auth/login';
const LOGIN_TOKEN_LIFETIME_S = 5 * 60;

export function authorizationSource(auth: AuthConfig, http: HttpClient, dcosUrl: string | undefined): AuthorizationSource | undefined {
  if (auth.kind === 'none') return undefined;
  if (auth.kind === 'token') {
    http.addSecret(auth.token);
    const header = `token=${auth.token}`;
    return () => Promise.resolve(header);
  }
  if (dcosUrl === undefined) {
    throw new CliError('config', 'service-account login needs the DC/OS URL (--url or DCOS_URL)');
  }
  let login: Promise<string> | undefined;
  return async () => {
    login ??= loginWithServiceAccount(http, dcosUrl, auth.uid, auth.privateKeyPath);
    return `token=${await login}`;
  };
}

export async function loginWithServiceAccount(http: HttpClient, dcosUrl: string, uid: string, keyPath: string): Promise<string> {
  const key = await loadPrivateKey(keyPath);
  const loginToken = signLoginToken(uid, key);
  http.addSecret(loginToken);
  const service: ServiceRef = { name: 'ACS', baseUrl: dcosUrl };
  const url = `${dcosUrl}${LOGIN_PATH}`;
  const response = await http.exchange('POST', url, { service, anonymous: true, idempotent: false, body: { uid, token: loginToken } });
  const token = (response.json as { token?: unknown } | undefined)?.token;
  if (response.status === 200 && typeof token === 'string' && token !== '') {
    http.addSecret(token);
    return token;
  }
  if (response.status === 200) {
    throw new CliError('auth', `service account login as '${uid}' failed: ACS answered without a token (POST ${url})`);
  }
  if (response.status >= 400 && response.status < 500) {
    const reason = upstreamMessage(response.json, (t) => http.redact(t)) ?? `couldn't log in (ACS answered ${response.status})`;
    throw new CliError('auth', `service account login as '${uid}' failed: ${reason}`, {
      hint: 'Check the uid and that the cluster knows this key (dcos security org service-accounts show <uid>).',
    });
  }
  throw statusError(response.status, response.text, response.json, {
    service,
    method: 'POST',
    url,
    timeoutMs: 0,
    authenticated: false,
    redact: (t) => http.redact(t),
  });
}

async function loadPrivateKey(path: string): Promise<KeyObject> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (e) {
    throw new CliError('config', `cannot read the service account key '${path}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    // Never echo the file: it is a secret even when malformed.
    throw new CliError('config', `the service account key '${path}' is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new CliError('config', `the service account key '${path}' is a ${key.asymmetricKeyType ?? 'non-RSA'} key; ACS login needs RSA (RS256)`);
  }
  return key;
}

/** RS256 JWT with exactly the claims the DC/OS CLI sends: uid and exp. */
export function signLoginToken(uid: string, key: KeyObject, nowMs: number = Date.now()): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = base64url(JSON.stringify({ uid, exp: Math.floor(nowMs / 1000) + LOGIN_TOKEN_LIFETIME_S }));
  const signature = sign('sha256', Buffer.from(`${header}.${claims}`), key).toString('base64url');
  return `${header}.${claims}.${signature}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
