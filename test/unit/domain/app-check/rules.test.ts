import { describe, expect, it } from 'vitest';
import { checkApps } from '../../../../src/domain/app-check/check.js';
import { compareWithDeployed } from '../../../../src/domain/app-check/deployed.js';
import { checkAppDefinition } from '../../../../src/domain/app-check/rules.js';
import { atLeast, parseMarathonVersion, ruleSetFor, type MarathonVersion } from '../../../../src/domain/app-check/version.js';

const v = (text: string): MarathonVersion => {
  const parsed = parseMarathonVersion(text);
  if (!parsed) throw new Error(`bad version ${text}`);
  return parsed;
};

const resident = (extra: Record<string, unknown> = {}) => ({
  id: '/db/pg',
  cpus: 0.5,
  mem: 256,
  container: { type: 'DOCKER', volumes: [{ containerPath: 'pgdata', mode: 'RW', persistent: { size: 512 } }] },
  upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
  ...extra,
});

const ids = (app: unknown, version: string, mesosRole?: string) =>
  checkAppDefinition(app, { version: v(version), ...(mesosRole ? { mesosRole } : {}) }).map((f) => `${f.rule}:${f.severity}`);

describe('Marathon versions and rule sets', () => {
  it('parses the versions /v2/info reports and what operators type', () => {
    expect(parseMarathonVersion('1.10.26')).toEqual({ minor: 10, patch: 26, text: '1.10.26' });
    expect(parseMarathonVersion('v1.4')).toEqual({ minor: 4, patch: null, text: 'v1.4' });
    expect(parseMarathonVersion('1.11.0-SNAPSHOT')?.minor).toBe(11);
    for (const bad of ['2.0.0', '1.0.3', '1.12', 'latest', '', '1.x']) expect(parseMarathonVersion(bad)).toBeUndefined();
  });

  it('compares versions, an unknown patch counting as the latest of its minor', () => {
    expect(atLeast(v('1.8.244'), 8, 244)).toBe(true);
    expect(atLeast(v('1.8.180'), 8, 244)).toBe(false);
    expect(atLeast(v('1.8'), 8, 244)).toBe(true);
    expect(atLeast(v('1.10.26'), 9)).toBe(true);
    expect(atLeast(v('1.3.14'), 4)).toBe(false);
  });

  it('names the rule set and notes the 1.2/1.3 discrepancy of the minimumHealthCapacity relaxation', () => {
    expect(ruleSetFor(v('1.1.1')).name).toBe('1.1–1.2');
    expect(ruleSetFor(v('1.4.13')).name).toBe('1.4');
    expect(ruleSetFor(v('1.7.236')).name).toBe('1.6–1.8');
    expect(ruleSetFor(v('1.10.26')).name).toBe('1.9+');
    expect(ruleSetFor(v('1.2.0')).notes.join()).toMatch(/#4138/);
    expect(ruleSetFor(v('1.4.13')).notes).toEqual([]);
  });
});

describe('upgradeStrategy of apps with persistent volumes', () => {
  it('a clean resident app has no findings in any version', () => {
    for (const version of ['1.1.2', '1.3.14', '1.4.13', '1.7.236', '1.10.26']) expect(ids(resident(), version)).toEqual([]);
  });

  it('maximumOverCapacity must be 0 in every version', () => {
    const app = resident({ upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0.1 } });
    for (const version of ['1.1.2', '1.4.13', '1.10.26']) expect(ids(app, version)).toEqual(['upgrade-max-over-capacity:error']);
    // Not an app with persistent volumes: no such rule.
    expect(ids({ id: '/web', upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 } }, '1.10.26')).toEqual([]);
  });

  it('minimumHealthCapacity above 0.5 is refused before 1.3 only', () => {
    const app = resident({ upgradeStrategy: { minimumHealthCapacity: 0.6, maximumOverCapacity: 0 } });
    expect(ids(app, '1.1.7')).toEqual(['upgrade-min-health-capacity:error']);
    expect(ids(app, '1.2.0')).toEqual(['upgrade-min-health-capacity:error']);
    expect(ids(app, '1.3.14')).toEqual([]);
    expect(ids(resident({ upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 } }), '1.1.7')).toEqual([]);
  });

  it('every app keeps both values within [0, 1]', () => {
    expect(ids({ id: '/web', upgradeStrategy: { minimumHealthCapacity: 1.2, maximumOverCapacity: -1 } }, '1.4.13')).toEqual([
      'upgrade-strategy-range:error',
      'upgrade-strategy-range:error',
    ]);
    expect(ids({ id: '/web', upgradeStrategy: { minimumHealthCapacity: 'half', maximumOverCapacity: 0 } }, '1.4.13')).toEqual(['upgrade-strategy-range:error']);
  });

  it('Marathon 1.1.0/1.1.1 without residency or upgradeStrategy falls back to {1, 1}; 1.1.2 fixed it', () => {
    const app = resident({ upgradeStrategy: undefined });
    expect(ids(app, '1.1.1')).toEqual(['upgrade-default-1.1.1:error']);
    expect(ids({ ...app, residency: { taskLostBehavior: 'WAIT_FOREVER' } }, '1.1.1')).toEqual([]);
    expect(ids(app, '1.1.2')).toEqual([]);
    expect(ids(app, '1.1')).toEqual([]);
  });

  it('from 1.5 a half-given upgradeStrategy is a warning', () => {
    const app = resident({ upgradeStrategy: { maximumOverCapacity: 0 } });
    expect(ids(app, '1.4.13')).toEqual([]);
    expect(ids(app, '1.5.15')).toEqual(['upgrade-strategy-incomplete:warning']);
  });
});

describe('unreachableStrategy, roles and residency', () => {
  it('unreachableStrategy must be disabled from 1.4 on', () => {
    const app = resident({ unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 } });
    expect(ids(app, '1.3.14')).toEqual([]);
    expect(ids(app, '1.4.2')).toEqual(['unreachable-strategy:error']);
    expect(ids(resident({ unreachableStrategy: 'disabled' }), '1.10.26')).toEqual([]);
  });

  it("role * is refused from 1.9, also when it comes from Marathon's --mesos_role", () => {
    expect(ids(resident({ role: '*' }), '1.8.244')).toEqual([]);
    expect(ids(resident({ role: '*' }), '1.9.109')).toEqual(['role-star:error']);
    expect(ids(resident(), '1.10.26', '*')).toEqual(['role-star:error']);
    expect(ids(resident(), '1.10.26', 'slave_public')).toEqual([]);
    expect(ids(resident({ role: 'slave_public' }), '1.10.26', '*')).toEqual([]);
  });

  it('acceptedResourceRoles may only be ["*"], with the wording of each version', () => {
    expect(ids(resident({ acceptedResourceRoles: ['*'] }), '1.10.26')).toEqual([]);
    expect(ids(resident({ acceptedResourceRoles: null }), '1.10.26')).toEqual([]);
    for (const roles of [['slave_public'], ['*', 'slave_public'], []]) {
      expect(ids(resident({ acceptedResourceRoles: roles }), '1.4.13')).toEqual(['accepted-resource-roles:error']);
    }
    const [old] = checkAppDefinition(resident({ acceptedResourceRoles: ['slave_public'] }), { version: v('1.1.7') });
    expect(old?.reason).toMatch(/^Resident apps may not define acceptedResourceRoles other than "\*"/);
    const [current] = checkAppDefinition(resident({ acceptedResourceRoles: ['slave_public'] }), { version: v('1.10.26') });
    expect(current?.reason).toMatch(/^A resident app must have `acceptedResourceRoles = \["\*"\]`\./);
  });

  it('residency without a persistent volume is refused up to 1.5', () => {
    const app = { id: '/x', residency: { taskLostBehavior: 'WAIT_FOREVER' }, container: { volumes: [] } };
    expect(ids(app, '1.4.13')).toEqual(['residency-without-volumes:error']);
    expect(ids(app, '1.6.322')).toEqual([]);
  });
});

describe('persistent volume definitions', () => {
  const withVolumes = (...volumes: unknown[]) => resident({ container: { type: 'DOCKER', volumes } });
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
    const found = checkAppDefinition(bad, { version: v('1.10.26') });
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

describe('a local definition against the deployed app', () => {
  const deployed = {
    id: '/postgres',
    cpus: 0.1,
    mem: 32,
    disk: 0,
    gpus: 0,
    role: 'slave_public',
    requirePorts: false,
    portDefinitions: [{ port: 10000 }],
    container: { volumes: [{ containerPath: 'pgdata', mode: 'RW', persistent: { type: 'root', size: 512, constraints: [] } }] },
  };
  const local = (extra: Record<string, unknown> = {}) => ({
    id: '/postgres',
    cpus: 0.1,
    mem: 32,
    container: { volumes: [{ containerPath: 'pgdata', mode: 'RW', persistent: { size: 512 } }] },
    ...extra,
  });
  const diff = (l: unknown, version = '1.10.26', d: unknown = deployed) =>
    compareWithDeployed(l, d, { version: v(version), mesosRole: 'slave_public' }).map((f) => `${f.rule}${f.pointer}`);

  it('the same app with defaults spelled out or omitted: nothing to flag', () => {
    expect(diff(local())).toEqual([]);
    expect(diff(local({ portDefinitions: [{ port: 0 }], requirePorts: false, role: 'slave_public' }))).toEqual([]);
  });

  it('flags every changed resource, an omitted one at its Marathon default', () => {
    expect(diff(local({ cpus: 1, mem: 64, disk: 100, gpus: 1 }))).toEqual(['deployed-resources/cpus', 'deployed-resources/mem', 'deployed-resources/disk', 'deployed-resources/gpus']);
    const [omitted] = compareWithDeployed(local({ cpus: undefined }), deployed, { version: v('1.10.26') });
    expect(omitted?.reason).toMatch(/^cpus 0\.1 → 1 \(omitted: Marathon's default 1\): the reservation is fixed/);
    expect(omitted?.remedy).toMatch(/new app/);
    // gpus do not exist in 1.1.
    expect(diff(local({ gpus: 1 }), '1.1.7')).toEqual([]);
  });

  it('flags host port and requirePorts changes; 0 matches the port Marathon picked', () => {
    expect(diff(local({ portDefinitions: [{ port: 10001 }] }))).toEqual(['deployed-ports/portDefinitions']);
    expect(diff(local({ portDefinitions: [{ port: 0 }, { port: 0 }] }))).toEqual(['deployed-ports/portDefinitions']);
    expect(diff(local({ requirePorts: true }))).toEqual(['deployed-ports/requirePorts']);
  });

  it('flags added, removed and resized volumes in one finding that names them', () => {
    const changed = local({
      container: {
        volumes: [
          { containerPath: 'pgdata', mode: 'RW', persistent: { size: 1024 } },
          { containerPath: 'wal', mode: 'RW', persistent: { size: 64 } },
        ],
      },
    });
    const found = compareWithDeployed(changed, deployed, { version: v('1.10.26') });
    expect(found.map((f) => f.rule)).toEqual(['deployed-volumes']);
    expect(found[0]?.reason).toMatch(/pgdata: size 512 → 1024; wal added/);
    expect(diff(local({ container: { volumes: [] } }))).toEqual(['deployed-volumes/container/volumes']);
  });

  it('flags a role change from 1.9 on', () => {
    expect(diff(local({ role: 'dev' }))).toEqual(['deployed-role/role']);
    expect(diff(local({ role: 'dev' }), '1.8.244')).toEqual([]);
  });

  it('a deployed app without persistent volumes has no fixed reservation', () => {
    expect(diff(local({ cpus: 4 }), '1.10.26', { id: '/postgres', cpus: 1 })).toEqual([]);
  });
});

describe('the report', () => {
  it('fails at or above --fail-on, notes a missing deployed app, and sorts errors first', () => {
    const app = resident({ upgradeStrategy: { maximumOverCapacity: 0 }, acceptedResourceRoles: ['x'] });
    const one = (a: unknown, failOn: 'error' | 'warning', deployed?: null) =>
      checkApps({ targets: [{ app: a, id: '/db/pg', file: 'x.json', path: '$', ...(deployed === null ? { deployed } : {}) }], version: v('1.10.26'), versionSource: '--marathon-version', failOn });
    const atError = one(app, 'error', null);
    expect(atError.findings.map((f) => f.severity)).toEqual(['error', 'warning', 'info']);
    expect(atError.findings.at(-1)?.rule).toBe('deployed-absent');
    expect(atError).toMatchObject({ apps: [{ app: '/db/pg', file: 'x.json', path: '$', againstDeployed: true }], ruleSet: '1.9+', summary: { error: 1, warning: 1, info: 1 }, failed: true });
    const warningsOnly = resident({ upgradeStrategy: { maximumOverCapacity: 0 } });
    expect(one(warningsOnly, 'error').failed).toBe(false);
    expect(one(warningsOnly, 'warning').failed).toBe(true);
  });

  it('every finding says where: the file and the JSON path from the document root, in the shared finding keys', () => {
    const bad = resident({ container: { type: 'DOCKER', volumes: [{ containerPath: 'pgdata', mode: 'RW', persistent: { size: 0 } }] } });
    const r = checkApps({ targets: [{ app: bad, id: '/db/pg', file: 'groups/db.json', path: '$.apps[1]' }], version: v('1.10.26'), versionSource: '--marathon-version', failOn: 'error' });
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
