import { describe, expect, it } from 'vitest';
import { compareWithDeployed } from '../../../../src/domain/app-check/deployed.js';
import { marathonVersion } from '../../../helpers/app-check.js';

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
    compareWithDeployed(l, d, { version: marathonVersion(version), mesosRole: 'slave_public' }).map((f) => `${f.rule}${f.pointer}`);

  it('the same app with defaults spelled out or omitted: nothing to flag', () => {
    expect(diff(local())).toEqual([]);
    expect(diff(local({ portDefinitions: [{ port: 0 }], requirePorts: false, role: 'slave_public' }))).toEqual([]);
  });

  it('flags every changed resource, an omitted one at its Marathon default', () => {
    expect(diff(local({ cpus: 1, mem: 64, disk: 100, gpus: 1 }))).toEqual(['deployed-resources/cpus', 'deployed-resources/mem', 'deployed-resources/disk', 'deployed-resources/gpus']);
    const [omitted] = compareWithDeployed(local({ cpus: undefined }), deployed, { version: marathonVersion('1.10.26') });
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
    const found = compareWithDeployed(changed, deployed, { version: marathonVersion('1.10.26') });
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
