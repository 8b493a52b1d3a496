import { signRs256, verifyRs256 } from './jwt.js';
import type { MockState } from './types.js';

/**
 * The mock IAM's tokens, apart from its HTTP routes: the CLI side of the mock (a run against a
 * `mock serve`) needs a token without loading the HTTP mock.
 */

const TOKEN_LIFETIME_SECONDS = 5 * 24 * 3600;

export function tokenFromRequest(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  if (header) {
    const m = /^(?:token=|Bearer\s+)(\S+)$/i.exec(header.trim());
    if (m) return m[1];
  }
  const cookie = request.headers.get('cookie');
  const m = cookie ? /(?:^|;\s*)dcos-acs-auth-cookie=([^;]+)/.exec(cookie) : null;
  return m?.[1];
}

export function isTokenValid(state: MockState, token: string | undefined): boolean {
  if (!token || !state.auth.iamPublicKeyPem) return false;
  const check = verifyRs256(token, state.auth.iamPublicKeyPem);
  return check.ok && typeof check.claims.uid === 'string';
}

/** A token as the IAM issues it; the embedded mock hands one to the CLI when auth is required. */
export function issueToken(state: MockState, uid: string): string {
  if (!state.auth.iamPrivateKeyPem) throw new Error('this mock cluster has no IAM key (reset with --require-auth)');
  return signRs256({ uid, exp: Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS }, state.auth.iamPrivateKeyPem);
}

