import { describe, expect, it } from 'vitest';
import { generateRsaKeyPair } from '../../../src/mock/jwt.js';
import { isTokenValid, issueToken, tokenFromRequest } from '../../../src/mock/tokens.js';
import type { MockState } from '../../../src/mock/types.js';

const withKeys = (pair: { privateKeyPem: string; publicKeyPem: string }) =>
  ({ auth: { required: true, iamPrivateKeyPem: pair.privateKeyPem, iamPublicKeyPem: pair.publicKeyPem, serviceAccounts: [] } }) as unknown as MockState;

describe('the mock IAM tokens', () => {
  const state = withKeys(generateRsaKeyPair());

  it('accepts a token it issued, from the header forms and the cookie Admin Router reads', () => {
    const token = issueToken(state, 'stateful-ops-ci');
    expect(isTokenValid(state, token)).toBe(true);
    const forms: Record<string, string>[] = [{ authorization: `token=${token}` }, { authorization: `Bearer ${token}` }, { cookie: `a=b; dcos-acs-auth-cookie=${token}` }];
    for (const headers of forms) {
      expect(tokenFromRequest(new Request('http://127.0.0.1/', { headers }))).toBe(token);
    }
    expect(tokenFromRequest(new Request('http://127.0.0.1/'))).toBeUndefined();
  });

  it('refuses a token signed by another key, a missing token, and a cluster without a key', () => {
    const other = withKeys(generateRsaKeyPair());
    const token = issueToken(other, 'someone');
    expect(isTokenValid(state, token)).toBe(false);
    expect(isTokenValid(state, undefined)).toBe(false);
    const keyless = { auth: { required: false, serviceAccounts: [] } } as unknown as MockState;
    expect(() => issueToken(keyless, 'x')).toThrow(/no IAM key/);
  });
});
