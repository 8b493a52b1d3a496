import { describe, expect, it } from 'vitest';
import { checkApps } from '../../../../src/domain/app-check/check.js';
import { marathonVersion, residentApp } from '../../../helpers/app-check.js';

describe('the report', () => {
  it('fails at or above --fail-on, notes a missing deployed app, and sorts errors first', () => {
    const app = residentApp({ upgradeStrategy: { maximumOverCapacity: 0 }, acceptedResourceRoles: ['x'] });
    const one = (a: unknown, failOn: 'error' | 'warning', deployed?: null) =>
      checkApps({ targets: [{ app: a, id: '/db/pg', file: 'x.json', path: '$', ...(deployed === null ? { deployed } : {}) }], version: marathonVersion('1.10.26'), versionSource: '--marathon-version', failOn });
    const atError = one(app, 'error', null);
    expect(atError.findings.map((f) => f.severity)).toEqual(['error', 'warning', 'info']);
    expect(atError.findings.at(-1)?.rule).toBe('deployed-absent');
    expect(atError).toMatchObject({ apps: [{ app: '/db/pg', file: 'x.json', path: '$', againstDeployed: true }], ruleSet: '1.9+', summary: { error: 1, warning: 1, info: 1 }, failed: true });
    const warningsOnly = residentApp({ upgradeStrategy: { maximumOverCapacity: 0 } });
    expect(one(warningsOnly, 'error').failed).toBe(false);
    expect(one(warningsOnly, 'warning').failed).toBe(true);
  });

  it('every finding says where: the file and the JSON path from the document root, in the shared finding keys', () => {
    const bad = residentApp({ container: { type: 'DOCKER', volumes: [{ containerPath: 'pgdata', mode: 'RW', persistent: { size: 0 } }] } });
    const r = checkApps({ targets: [{ app: bad, id: '/db/pg', file: 'groups/db.json', path: '$.apps[1]' }], version: marathonVersion('1.10.26'), versionSource: '--marathon-version', failOn: 'error' });
    expect(r.findings).toEqual([
      {
        rule: 'volume-size',
        severity: 'error',
        location: 'groups/db.json $.apps[1].container.volumes[0].persistent.size',
        reason: expect.any(String) as string,
        remedy: expect.any(String) as string,
        app: '/db/pg',
        file: 'groups/db.json',
        path: '$.apps[1].container.volumes[0].persistent.size',
      },
    ]);
  });
});
