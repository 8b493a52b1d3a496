import { describe, expect, it } from 'vitest';
import {
  archiveFileName,
  archiveMismatch,
  manifestPathFor,
  restoredMismatch,
  restoreRefusals,
  tarListingTotals,
  validateManifest,
  type BackupManifest,
} from '../../../src/domain/backup-manifest.js';

const SHA = 'c2e303e15dc52a8d9851eff3fc5aa88a2559a738ab2ef63f634238f021fd6bcb';

function manifest(): BackupManifest {
  return {
    format: 'stateful-ops-volume-backup',
    formatVersion: 1,
    createdAt: '2026-12-02T00:51:25.439Z',
    tool: { name: 'stateful-ops', version: '0.1.0' },
    app: '/postgres',
    task: 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1',
    instance: 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d',
    persistenceId: 'postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d',
    containerPath: 'pgdata',
    agent: { id: 'd935ca7e-e29d-4503-94e7-25fe9f16847c-S1', host: '10.0.0.168' },
    hostPath: '/var/lib/mesos/slave/volumes/roles/slave_public/postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d',
    live: false,
    archive: { file: 'a.tar', bytes: 30720, sha256: SHA, entries: 9, fileBytes: 12840 },
    tar: { version: 'tar (GNU tar) 1.34', options: ['--numeric-owner', '--xattrs', '--acls'] },
    versions: { mesos: '1.11.0', marathon: '1.10.26' },
  };
}

describe('validateManifest', () => {
  it('accepts what the tool writes, round-tripped through JSON', () => {
    const result = validateManifest(JSON.parse(JSON.stringify(manifest())));
    expect(result).toEqual({ ok: true, manifest: manifest() });
  });

  it.each([
    ['another format', (m: Record<string, unknown>) => (m.format = 'something-else'), /^format: /],
    ['a newer format version', (m: Record<string, unknown>) => (m.formatVersion = 2), /^formatVersion: /],
    ['an archive named by a path', (m: Record<string, unknown>) => ((m.archive as Record<string, unknown>).file = '../../etc/shadow'), /^archive\.file: must be a file name without a directory/],
    ['a short checksum', (m: Record<string, unknown>) => ((m.archive as Record<string, unknown>).sha256 = 'abc'), /^archive\.sha256: must be 64 lowercase hex digits/],
    ['negative entries', (m: Record<string, unknown>) => ((m.archive as Record<string, unknown>).entries = -1), /^archive\.entries: /],
    ['no app', (m: Record<string, unknown>) => delete m.app, /^app: /],
    ['a relative host path', (m: Record<string, unknown>) => (m.hostPath = 'var/lib'), /^hostPath: /],
    ['a date that is not one', (m: Record<string, unknown>) => (m.createdAt = 'yesterday'), /^createdAt: /],
  ])('refuses %s, naming the field', (_what, edit, problem) => {
    const m = JSON.parse(JSON.stringify(manifest())) as Record<string, unknown>;
    edit(m);
    const result = validateManifest(m);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.some((p) => problem.test(p)), result.problems.join('\n')).toBe(true);
  });

  it('refuses what is not an object at all', () => {
    expect(validateManifest(null).ok).toBe(false);
    expect(validateManifest([]).ok).toBe(false);
  });
});

describe('archiveMismatch / restoredMismatch', () => {
  it('is empty when everything matches, and names each difference otherwise', () => {
    const m = manifest();
    expect(archiveMismatch(m, { bytes: 30720, sha256: SHA, entries: 9, fileBytes: 12840 })).toEqual([]);
    expect(archiveMismatch(m, { bytes: 30721, sha256: SHA.replace('c', 'd'), entries: 8, fileBytes: 1 })).toEqual([
      'the archive is 30721 bytes, the manifest says 30720',
      `its sha256 is ${SHA.replace('c', 'd')}, the manifest says ${SHA}`,
      'it holds 8 entries, the manifest says 9',
      'its files hold 1 bytes, the manifest says 12840',
    ]);
    expect(restoredMismatch(m, { entries: 9, fileBytes: 12840 })).toEqual([]);
    expect(restoredMismatch(m, { entries: 10, fileBytes: 12840 })).toEqual(['10 entries are in the volume, the archive holds 9']);
  });
});

describe('restoreRefusals', () => {
  const target = { app: '/postgres', task: 'postgres.instance-a0000042-0a4f-11ee-b000-0242ac13000f._app.1', state: 'waiting', containerPaths: ['pgdata'] };

  it('accepts a waiting task of the same app with the same container path, on any agent', () => {
    expect(restoreRefusals(manifest(), target)).toEqual([]);
  });

  it('refuses another app, another volume, a running task and one on a lost agent', () => {
    expect(restoreRefusals(manifest(), { ...target, app: '/db/mysql', containerPaths: ['data', 'logs'] })).toEqual([
      'the archive is of app /postgres, the task belongs to /db/mysql',
      'the task has no volume pgdata (it has data, logs)',
    ]);
    expect(restoreRefusals(manifest(), { ...target, state: 'running' })[0]).toMatch(/^the task is running: scale \/postgres down by one/);
    expect(restoreRefusals(manifest(), { ...target, state: 'agent-lost' })).toEqual(['the task is agent-lost, not waiting: its volume cannot be written safely']);
  });
});

describe('file names', () => {
  it('keeps app, task, volume and time in a name without directories', () => {
    const name = archiveFileName('/db/mysql', 'db_mysql.instance-6a1e3b42._app.3', 'data/sub dir', new Date('2026-12-02T00:45:01.123Z'));
    expect(name).toBe('db_mysql__db_mysql.instance-6a1e3b42._app.3__data_sub_dir__20261202T004501.123Z.tar');
    expect(manifestPathFor(`/b/${name}`)).toBe(`/b/${name}.json`);
  });
});

describe('tarListingTotals', () => {
  it('counts members but not the root, and bytes of regular files only (hard links carry none)', () => {
    const listing = [
      'drwx------ 999/999         0 2026-12-02 00:40 ./',
      '-rw------- 999/999      8192 2026-12-02 00:40 ./base/1/1259',
      'drwx------ 999/999         0 2026-12-02 00:40 ./base/',
      'lrwxrwxrwx 999/999         0 2026-12-02 00:40 ./current -> base',
      'hrw------- 999/999         0 2026-12-02 00:40 ./again link to ./base/1/1259',
      '-rw------- 999/999        36 2026-12-02 00:40 ./slow query.log',
      'crw-r--r-- 0/0          1,3 2026-12-02 00:40 ./null',
      '',
    ].join('\n');
    expect(tarListingTotals(listing)).toEqual({ entries: 6, fileBytes: 8228 });
  });
});
