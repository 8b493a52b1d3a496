import { describe, expect, it } from 'vitest';
import { checkAppDefinition } from '../../../../src/domain/app-check/rules.js';
import { marathonVersion, residentApp } from '../../../helpers/app-check.js';

const ids = (app: unknown, version: string, mesosRole?: string) =>
  checkAppDefinition(app, { version: marathonVersion(version), ...(mesosRole ? { mesosRole } : {}) }).map((f) => `${f.rule}:${f.severity}`);

describe('upgradeStrategy of apps with persistent volumes', () => {
  it('a clean resident app has no findings in any version', () => {
    for (const version of ['1.1.2', '1.3.14', '1.4.13', '1.7.236', '1.10.26']) expect(ids(residentApp(), version)).toEqual([]);
  });

  it('maximumOverCapacity must be 0 in every version', () => {
    const app = residentApp({ upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0.1 } });
    for (const version of ['1.1.2', '1.4.13', '1.10.26']) expect(ids(app, version)).toEqual(['upgrade-max-over-capacity:error']);
    // Not an app with persistent volumes: no such rule.
    expect(ids({ id: '/web', upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 } }, '1.10.26')).toEqual([]);
  });

  it('minimumHealthCapacity above 0.5 is refused before 1.3 only', () => {
    const app = residentApp({ upgradeStrategy: { minimumHealthCapacity: 0.6, maximumOverCapacity: 0 } });
    expect(ids(app, '1.1.7')).toEqual(['upgrade-min-health-capacity:error']);
    expect(ids(app, '1.2.0')).toEqual(['upgrade-min-health-capacity:error']);
    expect(ids(app, '1.3.14')).toEqual([]);
    expect(ids(residentApp({ upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 } }), '1.1.7')).toEqual([]);
  });

  it('every app keeps both values within [0, 1]', () => {
    expect(ids({ id: '/web', upgradeStrategy: { minimumHealthCapacity: 1.2, maximumOverCapacity: -1 } }, '1.4.13')).toEqual([
      'upgrade-strategy-range:error',
      'upgrade-strategy-range:error',
    ]);
    expect(ids({ id: '/web', upgradeStrategy: { minimumHealthCapacity: 'half', maximumOverCapacity: 0 } }, '1.4.13')).toEqual(['upgrade-strategy-range:error']);
  });

  it('Marathon 1.1.0/1.1.1 without residency or upgradeStrategy falls back to {1, 1}; 1.1.2 fixed it', () => {
    const app = residentApp({ upgradeStrategy: undefined });
    expect(ids(app, '1.1.1')).toEqual(['upgrade-default-1.1.1:error']);
    expect(ids({ ...app, residency: { taskLostBehavior: 'WAIT_FOREVER' } }, '1.1.1')).toEqual([]);
    expect(ids(app, '1.1.2')).toEqual([]);
    expect(ids(app, '1.1')).toEqual([]);
  });

  it('from 1.5 a half-given upgradeStrategy is a warning', () => {
    const app = residentApp({ upgradeStrategy: { maximumOverCapacity: 0 } });
    expect(ids(app, '1.4.13')).toEqual([]);
    expect(ids(app, '1.5.15')).toEqual(['upgrade-strategy-incomplete:warning']);
  });
});

describe('unreachableStrategy, roles and residency', () => {
  it('unreachableStrategy must be disabled from 1.4 on', () => {
    const app = residentApp({ unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 } });
    expect(ids(app, '1.3.14')).toEqual([]);
    expect(ids(app, '1.4.2')).toEqual(['unreachable-strategy:error']);
    expect(ids(residentApp({ unreachableStrategy: 'disabled' }), '1.10.26')).toEqual([]);
  });

  it("role * is refused from 1.9, also when it comes from Marathon's --mesos_role", () => {
    expect(ids(residentApp({ role: '*' }), '1.8.244')).toEqual([]);
    expect(ids(residentApp({ role: '*' }), '1.9.109')).toEqual(['role-star:error']);
    expect(ids(residentApp(), '1.10.26', '*')).toEqual(['role-star:error']);
    expect(ids(residentApp(), '1.10.26', 'slave_public')).toEqual([]);
    expect(ids(residentApp({ role: 'slave_public' }), '1.10.26', '*')).toEqual([]);
  });

  it('acceptedResourceRoles may only be ["*"], with the wording of each version', () => {
    expect(ids(residentApp({ acceptedResourceRoles: ['*'] }), '1.10.26')).toEqual([]);
    expect(ids(residentApp({ acceptedResourceRoles: null }), '1.10.26')).toEqual([]);
    for (const roles of [['slave_public'], ['*', 'slave_public'], []]) {
      expect(ids(residentApp({ acceptedResourceRoles: roles }), '1.4.13')).toEqual(['accepted-resource-roles:error']);
    }
    const [old] = checkAppDefinition(residentApp({ acceptedResourceRoles: ['slave_public'] }), { version: marathonVersion('1.1.7') });
    expect(old?.reason).toMatch(/^Resident apps may not define acceptedResourceRoles other than "\*"/);
    const [current] = checkAppDefinition(residentApp({ acceptedResourceRoles: ['slave_public'] }), { version: marathonVersion('1.10.26') });
    expect(current?.reason).toMatch(/^A resident app must have `acceptedResourceRoles = \["\*"\]`\./);
  });

  it('residency without a persistent volume is refused up to 1.5', () => {
    const app = { id: '/x', residency: { taskLostBehavior: 'WAIT_FOREVER' }, container: { volumes: [] } };
    expect(ids(app, '1.4.13')).toEqual(['residency-without-volumes:error']);
    expect(ids(app, '1.6.322')).toEqual([]);
  });
});

describe('persistent volume definitions', () => {
  const withVolumes = (...volumes: unknown[]) => residentApp({ container: { type: 'DOCKER', volumes } });
  const vol = (containerPath: unknown, persistent: Record<string, unknown> = { size: 64 }, mode: unknown = 'RW') => ({ containerPath, mode, persistent });

  it('size must be given and positive', () => {
    expect(ids(withVolumes(vol('a', {}), vol('b', { size: 0 }), vol('c', { size: '1' })), '1.10.26')).toEqual([
      'volume-size:error',
      'volume-size:error',
      'volume-size:error',
    ]);
  });

  it('containerPath: not empty, not . or .., no / (an error from 1.4, a warning before)', () => {
    expect(ids(withVolumes(vol(''), vol('..'), vol('.'), vol(undefined)), '1.10.26')).toEqual(Array(4).fill('volume-container-path:error'));
    expect(ids(withVolumes(vol('/var/lib/mysql')), '1.4.2')).toEqual(['volume-container-path-slash:error']);
    expect(ids(withVolumes(vol('var/data')), '1.1.7')).toEqual(['volume-container-path-slash:warning']);
  });

  it('container paths are unique across all volumes, host volumes included', () => {
    const host = { containerPath: 'data', hostPath: '/srv', mode: 'RO' };
    expect(ids(withVolumes(vol('data'), host), '1.10.26')).toEqual(['volume-duplicate-container-path:error']);
    // The documented MySQL work-around: a host volume mapping the persistent one to an absolute path.
    expect(ids(withVolumes(vol('mysqldata'), { containerPath: '/var/lib/mysql', hostPath: 'mysqldata', mode: 'RW' }), '1.10.26')).toEqual([]);
  });

  it('mode must be RW', () => {
    expect(ids(withVolumes(vol('a', { size: 1 }, 'RO'), { containerPath: 'b', persistent: { size: 1 } }), '1.4.13')).toEqual(['volume-mode:error', 'volume-mode:error']);
  });

  it('type, maxSize and constraints follow the 1.4+ rules and are ignored before', () => {
    expect(ids(withVolumes(vol('a', { size: 1, type: 'block' })), '1.4.13')).toEqual(['volume-type:error']);
    expect(ids(withVolumes(vol('a', { size: 10, maxSize: 20 })), '1.4.13')).toEqual(['volume-max-size:error']);
    expect(ids(withVolumes(vol('a', { size: 10, type: 'mount', maxSize: 10 })), '1.4.13')).toEqual(['volume-max-size:error']);
    expect(ids(withVolumes(vol('a', { size: 10, type: 'mount', maxSize: 20 })), '1.4.13')).toEqual([]);
    expect(ids(withVolumes(vol('a', { size: 10, type: 'mount', maxSize: 20 })), '1.1.7')).toEqual(['volume-ignored-field:warning']);
  });

  it('a profile without a type makes a mount volume from 1.8.244', () => {
    const app = withVolumes(vol('a', { size: 10, maxSize: 20, profileName: 'fast' }));
    expect(ids(app, '1.8.180')).toEqual(['volume-max-size:error']);
    expect(ids(app, '1.8.244')).toEqual([]);
  });

  it('constraints: not on root volumes; only ["path", LIKE|UNLIKE, valid regex]', () => {
    expect(ids(withVolumes(vol('a', { size: 1, constraints: [['path', 'LIKE', '/mnt/.+']] })), '1.10.26')).toEqual(['volume-constraints:error']);
    const good = withVolumes(vol('a', { size: 1, type: 'path', constraints: [['path', 'UNLIKE', '/mnt/slow-.*']] }));
    expect(ids(good, '1.10.26')).toEqual([]);
    const bad = withVolumes(vol('a', { size: 1, type: 'mount', constraints: [['hostname', 'LIKE', 'x'], ['path', 'IS', '/m'], ['path', 'LIKE', '[a-'], ['path']] }));
    const found = checkAppDefinition(bad, { version: marathonVersion('1.10.26') });
    expect(found.map((f) => f.pointer)).toEqual([
      '/container/volumes/0/persistent/constraints/0/0',
      '/container/volumes/0/persistent/constraints/1/1',
      '/container/volumes/0/persistent/constraints/2/2',
      '/container/volumes/0/persistent/constraints/3',
    ]);
    expect(found.map((f) => f.reason)).toEqual([
      expect.stringMatching(/can only match "path"/),
      expect.stringMatching(/^Operator must be one of LIKE, UNLIKE/),
      expect.stringMatching(/^Invalid regular expression/),
      expect.stringMatching(/^a constraint is/),
    ]);
  });
});
