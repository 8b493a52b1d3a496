import { describe, expect, it } from 'vitest';
import { accessProblem, remotePathProblem } from '../../../src/domain/remote-path.js';

const dir = { type: 'directory', isSymlink: false, isMountPoint: false };

describe('what the agent-side user may not do, before anything is touched', () => {
  it('names the owners of what cannot be deleted and the remedy', () => {
    const access = { user: 'centos', blocked: [{ kind: 'directory' as const, ownerUid: 999, count: 1 }] };
    expect(accessProblem(access, {})).toBe('1 entry owned by uid 999 is not deletable as centos: use --sudo');
    const many = { user: 'core', blocked: [{ kind: 'directory' as const, ownerUid: 0, count: 2 }, { kind: 'directory' as const, ownerUid: 70, count: 3 }] };
    expect(accessProblem(many, {})).toBe('5 entries owned by uid 0, 70 are not deletable as core: use --sudo');
    expect(accessProblem({ user: 'root', blocked: many.blocked }, {})).toMatch(/not deletable as root: not even root may/);
  });

  it('asks for readable files only when a backup is made, and for the parent only when the directory goes too', () => {
    const access = { user: 'centos', blocked: [{ kind: 'file' as const, ownerUid: 999, count: 4 }, { kind: 'parent' as const, ownerUid: 0, count: 1 }] };
    expect(accessProblem(access, {})).toBeUndefined();
    expect(accessProblem(access, { read: true })).toBe('4 files owned by uid 999 are not readable as centos (needed for the backup): use --sudo');
    expect(accessProblem(access, { removeDirectory: true })).toBe('its parent directory (owned by uid 0) does not let centos remove it: use --sudo');
  });

  it('is part of every remote path check; path problems come first', () => {
    const access = { user: 'centos', blocked: [{ kind: 'directory' as const, ownerUid: 999, count: 1 }] };
    const expect0 = { mountRoot: false, alreadyDeleted: false };
    expect(remotePathProblem('/v', { stat: dir, access }, expect0)).toMatch(/not deletable as centos/);
    expect(remotePathProblem('/v', { stat: { ...dir, isSymlink: true }, access }, expect0)).toMatch(/symbolic link/);
    expect(remotePathProblem('/v', { stat: dir, access: { user: 'centos', blocked: [] } }, expect0)).toBeUndefined();
  });
});

describe('which paths a destructive command may touch', () => {
  const rootDisk = { mountRoot: false, alreadyDeleted: false };
  const mountDisk = { mountRoot: true, alreadyDeleted: false };

  it('a path that is gone is refused, unless this operation already deleted it (a re-run)', () => {
    expect(remotePathProblem('/v', { stat: null }, rootDisk)).toBe('/v does not exist on the agent');
    expect(remotePathProblem('/v', { stat: null }, { ...rootDisk, alreadyDeleted: true })).toBeUndefined();
  });

  it('only a real directory: never a file, never through a symbolic link', () => {
    expect(remotePathProblem('/v', { stat: { ...dir, type: 'file' } }, rootDisk)).toBe('/v is not a directory');
    expect(remotePathProblem('/v', { stat: { ...dir, type: 'file', isSymlink: true } }, rootDisk)).toBe('/v is a symbolic link; refusing to follow it');
  });

  it('a root-disk volume must not be a mount point; a MOUNT disk root must be one (else the disk is not mounted)', () => {
    expect(remotePathProblem('/v', { stat: { ...dir, isMountPoint: true } }, rootDisk)).toMatch(/is a mount point of another filesystem/);
    expect(remotePathProblem('/dcos/volume0', { stat: dir }, mountDisk)).toMatch(/^\/dcos\/volume0 should be a MOUNT disk's mount point but is a plain directory/);
    expect(remotePathProblem('/dcos/volume0', { stat: { ...dir, isMountPoint: true } }, mountDisk)).toBeUndefined();
  });

  it('a path with control characters is shown escaped, on one line', () => {
    expect(remotePathProblem('/v\nx', { stat: null }, rootDisk)).toBe('/v\\nx does not exist on the agent');
  });

  it('names at most three owners', () => {
    const blocked = [5, 1, 3, 2].map((ownerUid) => ({ kind: 'directory' as const, ownerUid, count: 1 }));
    expect(accessProblem({ user: 'centos', blocked }, {})).toBe('4 entries owned by uid 1, 2, 3, … are not deletable as centos: use --sudo');
  });
});
