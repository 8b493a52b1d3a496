import { MOCK_MASTER_PUBLIC_IP } from './agents.js';
import { http, type RequestHandler } from 'msw';
import { html, json, type MockContext } from './handler-context.js';
import { verifyRs256 } from './jwt.js';
import { isTokenValid, issueToken, tokenFromRequest } from './tokens.js';
import { proxyErrorPage, unauthorizedPage } from './pages.js';

/**
 * DC/OS authentication as Admin Router (open) does it: `Authorization: token=<jwt>` (or `Bearer`, or the
 * `dcos-acs-auth-cookie`), RS256 only, `uid` required, `exp` honoured; login with a service-account JWT.
 */

const PUBLIC_PATHS = [/^\/acs\/api\/v1\/auth\//, /^\/dcos-metadata\//];

/** First handler: 401 for protected paths without a valid token when the cluster requires auth. */
export function authGate(ctx: MockContext): RequestHandler {
  return http.all('*', ({ request }) => {
    if (ctx.listenerOf.get(request)?.directAgentId !== undefined) return undefined;
    const state = ctx.store.current();
    if (!state.auth.required) return undefined;
    const path = new URL(request.url).pathname;
    if (PUBLIC_PATHS.some((p) => p.test(path))) return undefined;
    if (isTokenValid(state, tokenFromRequest(request))) return undefined;
    return html(unauthorizedPage(), 401, { 'www-authenticate': 'oauthjwt' });
  });
}

const iamError = (status: number, title: string, description: string, code: string) => json({ title, description, code }, status);

async function login(ctx: MockContext, request: Request): Promise<Response> {
  let body: { uid?: unknown; token?: unknown; password?: unknown };
  try {
    body = (await request.json()) as typeof body;
  } catch {
    return iamError(400, 'Bad Request', 'Request has bad Content-Type or lacks JSON data', 'ERR_INVALID_DATA');
  }
  const state = ctx.store.current();
  const uid = typeof body?.uid === 'string' ? body.uid : undefined;
  if (!uid) return iamError(400, 'Bad Request', "Invalid data: 'uid' is a required property", 'ERR_INVALID_DATA');
  const account = state.auth.serviceAccounts.find((a) => a.uid === uid);
  if (!account || typeof body.token !== 'string' || !state.auth.iamPrivateKeyPem) {
    return iamError(401, 'Unauthorized', 'Login failed: wrong uid or credentials.', 'ERR_INVALID_CREDENTIALS');
  }
  const check = verifyRs256(body.token, account.publicKeyPem);
  if (!check.ok) {
    return iamError(401, 'Unauthorized', `Service login token verification failed: ${check.reason}.`, 'ERR_INVALID_CREDENTIALS');
  }
  if (check.claims.uid !== uid) {
    return iamError(401, 'Unauthorized', "Service login token verification failed: 'uid' claim does not match.", 'ERR_INVALID_CREDENTIALS');
  }
  if (typeof check.claims.exp !== 'number') {
    return iamError(401, 'Unauthorized', "Service login token verification failed: 'exp' claim is required.", 'ERR_INVALID_CREDENTIALS');
  }
  return json({ token: issueToken(state, uid) });
}

export function acsRoutes(ctx: MockContext): RequestHandler[] {
  return [
    http.post('/acs/api/v1/auth/login', ({ request }) => login(ctx, request)),
    http.get('/acs/api/v1/auth/providers', () =>
      json({
        'dcos-services': {
          'authentication-type': 'dcos-uid-servicekey',
          'client-method': 'dcos-servicecredential-post-receive-authtoken',
          config: { start_flow_url: '/acs/api/v1/auth/login' },
          description: 'Default DC/OS login provider',
        },
      }),
    ),
    http.get('/dcos-metadata/dcos-version.json', () => {
      const state = ctx.store.current();
      return json({
        version: state.dcosVersion,
        'dcos-image-commit': '7c1b9b5e0c6a2f6b1f0e5d4c3b2a19080706f5e4',
        'bootstrap-id': '3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b',
        'dcos-variant': 'open',
      });
    }),
    // Admin Router's lib/metadata.lua: what `dcos node ssh --master-proxy` and `dcos cluster setup` read.
    http.get('/metadata', () => json({ PUBLIC_IPV4: MOCK_MASTER_PUBLIC_IP, CLUSTER_ID: ctx.store.current().frameworkId.replace(/-\d+$/, '') })),
    // Auth discovery (dcos auth login): 200 means authentication is disabled; the gate answers 401 otherwise.
    http.all('/pkgpanda/active.buildinfo.full.json', () => json({})),
  ];
}

/** Admin Router's own 404 for paths it does not route. */
export function adminRouterNotFound(): RequestHandler {
  return http.all('*', () => html(proxyErrorPage(404), 404));
}
