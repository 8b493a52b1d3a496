import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { mockArgs, journalRecords, mockCli, runCli, tempDir } from '../helpers/cli.js';
import { changedPaths, editMockState, snapshot } from '../helpers/sandbox.js';
import { ExitCode } from '../../src/core/errors.js';
import { S } from '../helpers/mock-dirs.js';

const UUID = '53ab8733-fd96-11e5-8e70-76a1c19f8c3d';
const PID = 'postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d';
const WAITING = `postgres.instance-${UUID}._app.1`;
const RUNNING = 'postgres.instance-4f2a1c11-fd96-11e5-8e70-76a1c19f8c3d._app.2';
const LOST = 'postgres.instance-5e0c4a21-fd96-11e5-8e70-76a1c19f8c3d._app.1';
const ROLES = 'var/lib/mesos/slave/volumes/roles/slave_public';
const volumeRel = (pid = PID) => join('agents', S(1), 'root', ROLES, pid);

describe('wipe against the mock', () => {
  let dir: string;
  let cleanup: () => void;
  const cli = mockCli(() => dir);
  const agentsSnapshot = () => snapshot(join(dir, 'agents'));
  const journal = () => journalRecords(dir);
  const steps = (task = WAITING) => journal().filter((e) => e.item === task).map((e) => `${e.step}:${e.status}`);
  const listed = async () => (JSON.parse((await cli(['--json', 'tasks', 'list', '--all'])).stdout) as { task: string }[]).map((t) => t.task);
  /**
   * Only the one intended volume may change: wipe empties it and keeps the directory, then Marathon's
   * expunge makes the master DESTROY the volume and the agent (Mesos 1.11 here) removes the directory.
   */
  const expectOnlyVolumeEmptied = (before: Map<string, string>, after: Map<string, string>, rel = volumeRel()) => {
    const dirKey = rel.replace(/^agents\//, '');
    const inside = `${dirKey}/`;
    const changed = changedPaths(before, after);
    expect(changed.length).toBeGreaterThan(0);
    for (const p of changed) expect(p === dirKey || p.startsWith(inside), `${p} changed outside the volume`).toBe(true);
    expect(after.has(dirKey)).toBe(false);
    expect([...after.keys()].some((p) => p.startsWith(inside))).toBe(false);
  };

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    expect((await cli(['mock', 'reset'])).code).toBe(0);
  });
  afterEach(() => cleanup());

  it('happy path: deletes exactly that volume (dotfiles too), keeps the directory, expunges, journals every step', async () => {
    const before = agentsSnapshot();
    expect([...before.keys()].some((p) => p.includes(PID) && p.endsWith('.pgpass_hidden'))).toBe(true);
    const r = await cli(['wipe', '--yes', WAITING]);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    expect(r.stdout).toMatch(/DELETE  contents of \/var\/lib\/mesos\/slave\/volumes\/roles\/slave_public\/postgres#pgdata#/);
    expect(r.stdout).toMatch(/THEN    DELETE http:\/\/127\.0\.0\.1:\d+\/service\/marathon\/v2\/apps\/postgres\/tasks\/postgres\.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d\._app\.1\?wipe=true/);
    expect(r.stdout).toMatch(/wiped$/m);
    expectOnlyVolumeEmptied(before, agentsSnapshot());
    expect(steps()).toEqual(['delete:pgdata:started', 'delete:pgdata:done', 'expunge:started', 'expunge:done', 'verify:done']);
    expect(await listed()).not.toContain(WAITING);
    // Running it again: nothing left to do, nothing repeated.
    const again = await cli(['wipe', '--yes', WAITING]);
    expect(again.code).toBe(ExitCode.OK);
    expect(again.stdout).toContain('expunged by an earlier run');
  });

  it('--dry-run --json prints the plan as data and changes nothing', async () => {
    const before = agentsSnapshot();
    const r = await cli(['--json', 'wipe', '--dry-run', WAITING]);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    const plan = JSON.parse(r.stdout) as { dryRun: boolean; tasks: { task: string; volumes: { hostPath: string; bytes: number; entries: number }[]; expunge: { method: string; path: string } }[] };
    expect(plan.dryRun).toBe(true);
    expect(plan.tasks[0]?.volumes[0]).toMatchObject({ hostPath: `/${ROLES}/${PID}`, entries: 9 });
    expect(plan.tasks[0]?.volumes[0]?.bytes).toBeGreaterThan(0);
    expect(plan.tasks[0]?.expunge).toEqual({ method: 'DELETE', path: `/v2/apps/postgres/tasks/${WAITING}?wipe=true` });
    expect(changedPaths(before, agentsSnapshot())).toEqual([]);
    expect(await listed()).toContain(WAITING);
  });

  it('without a terminal and without --yes: refused, nothing touched', async () => {
    const before = agentsSnapshot();
    const r = await cli(['wipe', WAITING]);
    expect(r.code).toBe(ExitCode.REFUSED);
    expect(r.stderr).toMatch(/^Error: refusing to delete without confirmation/m);
    expect(changedPaths(before, agentsSnapshot())).toEqual([]);
    expect(await listed()).toContain(WAITING);
  });

  it('a running task is refused with the hint to scale down', async () => {
    const before = agentsSnapshot();
    const r = await cli(['wipe', '--yes', RUNNING]);
    expect(r.code).toBe(ExitCode.REFUSED);
    expect(r.stdout).toMatch(/task is running \(TASK_RUNNING\): scale the app down first/);
    expect(changedPaths(before, agentsSnapshot())).toEqual([]);
    expect(steps(RUNNING)).toEqual(['preflight:failed']);
  });

  it('an unknown task is "not found" and nothing is done', async () => {
    const r = await cli(['wipe', '--yes', WAITING, 'postgres.instance-00000000-0000-0000-0000-000000000000._app.1']);
    expect(r.code).toBe(ExitCode.NOT_FOUND);
    expect(await listed()).toContain(WAITING);
    expect(journal()).toEqual([]);
  });

  it.each([
    ['a traversing persistence id', (s: Parameters<Parameters<typeof editMockState>[1]>[0]) => {
      for (const t of s.tasks) for (const v of t.localVolumes) if (v.persistenceId === PID) v.persistenceId = '../../../../../etc';
    }, /persistence id '\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc' is invalid/],
    ['a traversing role (path outside the roles dir)', (s: Parameters<Parameters<typeof editMockState>[1]>[0]) => {
      for (const t of s.tasks) if (t.id === WAITING) t.role = 'slave_public/../../../..';
      for (const r of s.reservations) if (r.volumes.some((v) => v.persistenceId === PID)) r.role = 'slave_public/../../../..';
    }, /role component '\.\.' is not allowed/],
  ])('%s is refused before any agent is contacted', async (_name, edit, reason) => {
    editMockState(dir, edit);
    const before = agentsSnapshot();
    const r = await cli(['wipe', '--yes', WAITING]);
    expect(r.code).toBe(ExitCode.REFUSED);
    expect(r.stdout).toMatch(reason);
    expect(changedPaths(before, agentsSnapshot())).toEqual([]);
  });

  it('a symlinked volume directory is refused and its target untouched', async () => {
    const volume = join(dir, volumeRel());
    const elsewhere = join(dir, 'agents', S(1), 'root', 'important');
    renameSync(volume, elsewhere);
    symlinkSync(elsewhere, volume);
    const before = agentsSnapshot();
    const r = await cli(['wipe', '--yes', WAITING]);
    expect(r.code).toBe(ExitCode.REFUSED);
    expect(r.stdout).toMatch(/is a symbolic link; refusing to follow it/);
    expect(changedPaths(before, agentsSnapshot())).toEqual([]);
  });

  it('a missing volume directory is refused (never assumed already deleted)', async () => {
    rmSync(join(dir, volumeRel()), { recursive: true });
    const r = await cli(['wipe', '--yes', WAITING]);
    expect(r.code).toBe(ExitCode.REFUSED);
    expect(r.stdout).toMatch(/does not exist on the agent/);
    expect(await listed()).toContain(WAITING);
  });

  it('an agent unreachable at preflight is a refusal, not a skip; the only agent contacted: exit 7 (README "Exit codes")', async () => {
    const before = agentsSnapshot();
    const r = await cli(['wipe', '--yes', WAITING], { STATEFUL_OPS_MOCK_SSH_FAULTS: 'S1:connection=refused' });
    expect(r.code).toBe(ExitCode.UNREACHABLE);
    expect(r.stdout).toMatch(/preflight on the agent failed: .*cannot connect over SSH/);
    expect(changedPaths(before, agentsSnapshot())).toEqual([]);
    expect(await listed()).toContain(WAITING);
  });

  it('persistence ids with spaces, globs, $, quotes, # and a leading dash are deleted exactly', async () => {
    const odd = `-postgres#pg data*$'"#x`;
    editMockState(dir, (s) => {
      for (const t of s.tasks) for (const v of t.localVolumes) if (v.persistenceId === PID) v.persistenceId = odd;
      for (const r of s.reservations) for (const v of r.volumes) if (v.persistenceId === PID) v.persistenceId = odd;
    });
    renameSync(join(dir, volumeRel()), join(dir, volumeRel(odd)));
    // A sibling whose name a glob or an unquoted $ would also match.
    mkdirSync(join(dir, volumeRel('-postgres#pg datax')), { recursive: true });
    const before = agentsSnapshot();
    const r = await cli(['wipe', '--yes', WAITING]);
    expect(r.code, r.stderr + r.stdout).toBe(ExitCode.OK);
    expectOnlyVolumeEmptied(before, agentsSnapshot(), volumeRel(odd));
  });

  it('the agent dies between backup and delete: the task fails, data and backup intact; a re-run resumes', async () => {
    const backups = join(dir, 'backups');
    const before = agentsSnapshot();
    // Preflight runs one inspect, the backup one tar: the 3rd command (the delete) finds the agent gone.
    const r = await cli(['wipe', '--yes', '--backup-dir', backups, WAITING], { STATEFUL_OPS_MOCK_SSH_FAULTS: 'S1:die-after=2' });
    expect(r.code).toBe(ExitCode.ERROR);
    expect(r.stdout).toMatch(/failed: agent d935ca7e-e29d-4503-94e7-25fe9f16847c-S1 \(127\.0\.0\.168\): (ssh failed|cannot connect)/);
    expect(changedPaths(before, agentsSnapshot())).toEqual([]);
    expect(steps()).toEqual(['backup:pgdata:started', 'backup:pgdata:done', 'delete:pgdata:started', 'delete:pgdata:failed']);
    const archive = readdirSync(backups).sort();
    // The archive and its manifest, the format `volumes restore` reads.
    expect(archive).toHaveLength(2);
    expect(archive[1]).toBe(`${archive[0]}.json`);

    const resumed = await cli(['wipe', '--yes', '--backup-dir', backups, WAITING]);
    expect(resumed.code, resumed.stderr).toBe(ExitCode.OK);
    expect(resumed.stderr).toContain('Resuming an earlier run');
    expect(readdirSync(backups).sort()).toEqual(archive); // the backup is reused, not redone or lost
    expect(steps().filter((s) => s.startsWith('backup'))).toEqual(['backup:pgdata:started', 'backup:pgdata:done']);
    expectOnlyVolumeEmptied(before, agentsSnapshot());
    expect(await listed()).not.toContain(WAITING);
  });

  it('a backup that does not verify stops the task before anything is deleted', async () => {
    const before = agentsSnapshot();
    const r = await cli(['wipe', '--yes', '--backup-dir', join(dir, 'backups'), WAITING], { STATEFUL_OPS_MOCK_SSH_FAULTS: 'S1:truncate-stdout=3000' });
    expect(r.code).toBe(ExitCode.ERROR);
    expect(r.stdout).toMatch(/failed: .*(not a readable tar archive|holds \d+ entries)/);
    expect(changedPaths(before, agentsSnapshot())).toEqual([]);
    expect(steps()).toEqual(['backup:pgdata:started', 'backup:pgdata:failed']);
    expect(await listed()).toContain(WAITING);
  });

  it.each([
    ['503', 'marathon:status=503,method=DELETE', [] as string[]],
    ['409', 'marathon:status=409,method=DELETE', [] as string[]],
    ['a timeout', 'marathon:hang=1,method=DELETE', ['--timeout', '2']],
  ])('Marathon answering %s at expunge: data deleted, task kept, journal says where; the re-run only expunges', async (_what, fault, extra) => {
    const before = agentsSnapshot();
    const r = await cli([...extra, 'wipe', '--yes', WAITING], { STATEFUL_OPS_MOCK_FAULTS: fault });
    expect(r.code).toBe(ExitCode.ERROR);
    expect(steps()).toEqual(['delete:pgdata:started', 'delete:pgdata:done', 'expunge:started', 'expunge:failed']);
    expect(await listed()).toContain(WAITING);
    const resumed = await cli(['wipe', '--yes', WAITING]);
    expect(resumed.code, resumed.stderr).toBe(ExitCode.OK);
    expect(steps().filter((s) => s.startsWith('delete'))).toEqual(['delete:pgdata:started', 'delete:pgdata:done']);
    expectOnlyVolumeEmptied(before, agentsSnapshot());
    expect(await listed()).not.toContain(WAITING);
  });

  it('--skip-data for a task on a lost agent expunges only and says where the data stays', async () => {
    const before = agentsSnapshot();
    const refused = await cli(['wipe', '--yes', LOST]);
    expect(refused.code).toBe(ExitCode.REFUSED);
    expect(refused.stdout).toMatch(/re-run with --skip-data/);
    const r = await cli(['wipe', '--yes', '--skip-data', LOST]);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    expect(r.stderr).toMatch(/the data stays on 127\.0\.0\.169's disk at \/var\/lib\/mesos\/slave\/volumes\/roles\/slave_public\/postgres#pgdata#/);
    expect(changedPaths(before, agentsSnapshot())).toEqual([]);
    expect(await listed()).not.toContain(LOST);
  });

  it('--app --all-waiting takes the waiting tasks only; --skip-data then takes the lost-agent ones', async () => {
    const r = await cli(['wipe', '--app', '/postgres', '--all-waiting', '--yes']);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    expect(r.stderr).toMatch(/1 task\(s\) on lost agents not included: .*--skip-data/);
    expect(await listed()).toEqual(expect.arrayContaining([RUNNING, LOST]));
    expect(await listed()).not.toContain(WAITING);
    const lost = await cli(['wipe', '--app', '/postgres', '--all-waiting', '--yes', '--skip-data']);
    expect(lost.code, lost.stderr).toBe(ExitCode.OK);
    expect((await listed()).filter((t) => t.startsWith('postgres.'))).toEqual([RUNNING]);
  });

  it('--skip-data is refused for a task whose agent is alive', async () => {
    const r = await cli(['wipe', '--yes', '--skip-data', WAITING]);
    expect(r.code).toBe(ExitCode.REFUSED);
    expect(r.stdout).toMatch(/--skip-data is for tasks whose agent is gone/);
  });
});

describe('wipe on every Marathon flavour', () => {
  for (const [version, id] of [
    ['1.1', `postgres.${UUID}`],
    ['1.4', `postgres.${UUID}.1`],
  ] as const) {
    it(`Marathon ${version}: the waiting task is wiped and gone`, async () => {
      const { dir, cleanup } = tempDir();
      try {
        expect((await runCli([...mockArgs(dir), 'mock', 'reset', '--marathon-version', version])).code).toBe(0);
        const volume = join(dir, volumeRel());
        const r = await runCli([...mockArgs(dir), 'wipe', '--yes', id]);
        expect(r.code, r.stderr + r.stdout).toBe(ExitCode.OK);
        expect(existsSync(volume)).toBe(false); // emptied by wipe, then removed by the agent on DESTROY (Mesos 1.11)
        const after = JSON.parse((await runCli([...mockArgs(dir), '--json', 'tasks', 'list', '--all'])).stdout) as { task: string }[];
        expect(after.map((t) => t.task)).not.toContain(id);
      } finally {
        cleanup();
      }
    });
  }
});
