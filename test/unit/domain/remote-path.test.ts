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
