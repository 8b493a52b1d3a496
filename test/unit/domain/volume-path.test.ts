import { describe, expect, it } from 'vitest';
import { buildVolumeHostPath, joinLikeMesos } from '../../../src/domain/volume-path.js';
import { indexReservations } from '../../../src/domain/reservations.js';
import type { MesosSlaves } from '../../../src/model/mesos.js';

import { describeWithReference, referenceJson } from '../../helpers/reference.js';

const slaves = () => referenceJson<MesosSlaves>('mesos-dcos/master-slaves-with-persistent-volume.json');

describeWithReference('host paths built from the master /slaves fixture', () => {
  const reservations = () => indexReservations(slaves());
  const workDir = '/var/lib/mesos/slave';
  const paths = () => reservations().allVolumes().map((v) => {
    const built = buildVolumeHostPath({ workDir, role: v.role, persistenceId: v.persistenceId, source: v.source });
    return built.ok ? { path: built.path, mountRoot: built.isMountRoot } : { error: built.reason };
  });

  it('gives exactly the three paths the reference lists', () => {
    expect(paths()).toEqual([
      { path: '/var/lib/mesos/slave/volumes/roles/slave_public/postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d', mountRoot: false },
      { path: '/dcos/volume0', mountRoot: true },
      { path: '/var/lib/mesos/slave/volumes/roles/dev backend/pv-1', mountRoot: false },
    ]);
  });
});

describe('buildVolumeHostPath', () => {
  const root = { type: 'ROOT' } as const;
  it('encodes hierarchical roles with spaces and keeps ids with shell metacharacters verbatim', () => {
    const built = buildVolumeHostPath({ workDir: '/w/', role: 'a/b/c', persistenceId: "-x y*$'\"#z", source: root });
    expect(built).toMatchObject({ ok: true, path: "/w/volumes/roles/a b c/-x y*$'\"#z", containedIn: '/w/volumes/roles/' });
  });

  it('PATH disks live under their root; relative roots join the work_dir', () => {
    expect(buildVolumeHostPath({ workDir: '/w', role: 'r', persistenceId: 'p', source: { type: 'PATH', root: '/mnt/d1' } }))
      .toMatchObject({ ok: true, path: '/mnt/d1/volumes/roles/r/p' });
    expect(buildVolumeHostPath({ workDir: '/w', role: 'r', persistenceId: 'p', source: { type: 'MOUNT', root: 'vol' } }))
      .toMatchObject({ ok: true, path: '/w/vol', isMountRoot: true });
  });

  it.each([
    ['a/b', "contains '/'"],
    ['..', 'relative'],
    ['.', 'relative'],
    ['', 'empty'],
    ['a\nb', 'control character'],
    ['a\\b', "'\\'"],
    ['x'.repeat(256), 'longer'],
  ])('refuses persistence id %j', (id, reason) => {
    const built = buildVolumeHostPath({ workDir: '/w', role: 'r', persistenceId: id, source: root });
    expect(built.ok).toBe(false);
    if (!built.ok) expect(built.reason).toContain(reason);
  });

  it.each(['*', '/r', 'r/', 'a//b', 'a/../b', '-r', 'a b', 'a\tb', '', 'a/*/b'])('refuses role %j', (role) => {
    expect(buildVolumeHostPath({ workDir: '/w', role, persistenceId: 'p', source: root }).ok).toBe(false);
  });

  it('refuses unsafe work dirs, / as a mount root and CSI/BLOCK sources', () => {
    expect(buildVolumeHostPath({ workDir: 'rel', role: 'r', persistenceId: 'p', source: root }).ok).toBe(false);
    expect(buildVolumeHostPath({ workDir: '/a/../b', role: 'r', persistenceId: 'p', source: root }).ok).toBe(false);
    expect(buildVolumeHostPath({ workDir: '/w', role: 'r', persistenceId: 'p', source: { type: 'MOUNT', root: '/' } }).ok).toBe(false);
    expect(buildVolumeHostPath({ workDir: '/w', role: 'r', persistenceId: 'p', source: { type: 'UNSUPPORTED', detail: 'BLOCK disk' } }).ok).toBe(false);
  });

  it('joins like stout: one slash per seam, no normalisation', () => {
    expect(joinLikeMesos('/a/', '/b', 'c')).toBe('/a/b/c');
    expect(joinLikeMesos('/a//', 'b')).toBe('/a//b');
  });
});
