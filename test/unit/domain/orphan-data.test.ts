import { expect, it } from 'vitest';
import type { DirEntry } from '../../../src/agent/remote-scripts.js';
import type { MesosSlaves } from '../../../src/model/mesos.js';
import { classifyVolumeDirs, decodeRoleDir } from '../../../src/domain/orphan-data.js';
import { indexReservations } from '../../../src/domain/reservations.js';
import { describeWithReference, referenceJson } from '../../helpers/reference.js';

const fixture = () => referenceJson<MesosSlaves>('mesos-dcos/master-slaves-with-persistent-volume.json');

const S1 = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-S1';

const dir = (name: string, extra: Partial<DirEntry> = {}): DirEntry => ({ name, type: 'directory', isSymlink: false, device: 1, size: 4096, isMountPoint: false, ...extra });

describeWithReference('orphan volume directories', () => {
  const workDir = '/var/lib/mesos/slave';
  const known = () => indexReservations(fixture()).allVolumes();
  const classify = (listing: Parameters<typeof classifyVolumeDirs>[0]['listing']) =>
    classifyVolumeDirs({ agentId: S1, hostname: '127.0.0.168', workDir, knownVolumes: known(), claims: new Map(), listing });

  it('decodes role directories: a space stands for /', () => {
    expect(decodeRoleDir('dev backend')).toBe('dev/backend');
  });

  it('directories of volumes the master lists are not orphans; one it does not list is, with its exact path', () => {
    const { orphans, skipped } = classify([
      { roleDir: dir('slave_public'), entries: [dir('postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d'), dir('postgres#pgdata#2b7e1f30-fd96-11e5-8e70-76a1c19f8c3d')] },
      { roleDir: dir('dev backend'), entries: [dir('pv-1')] },
    ]);
    expect(skipped).toEqual([]);
    expect(orphans).toEqual([
      {
        agentId: S1,
        hostname: '127.0.0.168',
        role: 'slave_public',
        persistenceId: 'postgres#pgdata#2b7e1f30-fd96-11e5-8e70-76a1c19f8c3d',
        path: '/var/lib/mesos/slave/volumes/roles/slave_public/postgres#pgdata#2b7e1f30-fd96-11e5-8e70-76a1c19f8c3d',
        workDir,
        bytes: null,
        entries: null,
      },
    ]);
  });

  it('the same id under another role is not an orphan either: the master still has that persistence id there', () => {
    const { orphans, skipped } = classify([{ roleDir: dir('dev'), entries: [dir('pv-1')] }]);
    expect(orphans).toEqual([]);
    expect(skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/^the Mesos master lists persistence id pv-1 on this agent \(role dev\/backend\); not touched$/)]);
  });

  it('a persistence id Marathon lists is never orphan data; without Marathon nothing is', () => {
    const stray = 'postgres#pgdata#2b7e1f30-fd96-11e5-8e70-76a1c19f8c3d';
    const listing = [{ roleDir: dir('slave_public'), entries: [dir(stray)] }];
    const claimed = classifyVolumeDirs({ agentId: S1, hostname: 'h', workDir, knownVolumes: known(), claims: new Map([[stray, ['postgres.instance-x._app.1']]]), listing });
    expect(claimed.orphans).toEqual([]);
    expect(claimed.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/^Marathon still lists this persistence id on task postgres\.instance-x\._app\.1/)]);
    const blind = classifyVolumeDirs({ agentId: S1, hostname: 'h', workDir, knownVolumes: known(), claims: null, listing });
    expect(blind.orphans).toEqual([]);
    expect(blind.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/^Marathon could not be read/)]);
  });

  it('anything that is not a plainly valid volume directory is skipped, never an orphan', () => {
    const { orphans, skipped } = classify([
      { roleDir: dir('slave_public'), entries: [dir('linked', { type: 'symlink', isSymlink: true }), dir('notes.txt', { type: 'file' }), dir('mnt', { isMountPoint: true }), dir('bad\\id')] },
      { roleDir: dir('elsewhere', { type: 'symlink', isSymlink: true }) },
      { roleDir: dir('-bad'), entries: [dir('x')] },
    ]);
    expect(orphans).toEqual([]);
    expect(skipped.map((s) => [s.path.replace(`${workDir}/volumes/roles/`, ''), s.reason])).toEqual([
      ['slave_public/linked', expect.stringMatching(/symbolic link/)],
      ['slave_public/notes.txt', expect.stringMatching(/not a directory/)],
      ['slave_public/mnt', expect.stringMatching(/mount point/)],
      ['slave_public/bad\\id', expect.stringMatching(/persistence id rules/)],
      ['elsewhere', expect.stringMatching(/symbolic link/)],
      ['-bad/x', expect.stringMatching(/role '-bad' fails Mesos's rules/)],
    ]);
  });
});
