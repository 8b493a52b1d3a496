import { describe, expect, it } from 'vitest';
import { parseInspect } from '../../../src/agent/remote-scripts.js';
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

  it('parses the inspect report: who looked, then per path what is blocked', () => {
    const stat = 'd 2049 100 4096 700 1700000000.0 d 2049 99 4096 755 1700000000.0 ';
    const out = `user centos 1000\n${stat}| 33320 9|  1 d 999 \nabsent\n${stat}| 10 1|  \n`;
    const [a, b, c] = parseInspect(out, 3);
    expect(a?.access).toEqual({ user: 'centos', uid: 1000, blocked: [{ kind: 'directory', ownerUid: 999, count: 1 }] });
    expect(a?.size).toEqual({ bytes: 33320, entries: 9 });
    expect(b).toEqual({ stat: null });
    expect(c?.access?.blocked).toEqual([]);
    expect(() => parseInspect(`${stat}|\n`, 1)).toThrow(/no user line/);
  });
});

describe('what tar reports after archiving or restoring', () => {
  it('reads entries, file bytes, the options used and the version; a report without counts is none', async () => {
    const { parseTarReport } = await import('../../../src/agent/remote-scripts.js');
    const stderr = 'tar: ./x: file changed as we read it\nentries=9\nfilebytes=12840\ntaropts=--numeric-owner --xattrs --acls\ntarversion=tar (GNU tar) 1.34\n';
    expect(parseTarReport(stderr)).toEqual({ entries: 9, fileBytes: 12840, options: ['--numeric-owner', '--xattrs', '--acls'], version: 'tar (GNU tar) 1.34' });
    expect(parseTarReport('entries=0\nfilebytes=0\ntaropts=--numeric-owner\n')).toEqual({ entries: 0, fileBytes: 0, options: ['--numeric-owner'] });
    expect(parseTarReport('entries=9\n')).toBeUndefined();
    expect(parseTarReport('tar: Cannot open: Permission denied\n')).toBeUndefined();
  });
});
