import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { mockArgs, runCli, tempDir } from '../helpers/cli.js';
import { changedPaths, editMockState, snapshot } from '../helpers/sandbox.js';
import { ExitCode } from '../../src/core/errors.js';
import { S } from '../helpers/mock-dirs.js';

/**
 * `volumes orphans --purge` while the cluster moves, and when the cluster cannot tell. Changes are
 * injected through STATEFUL_OPS_MOCK_TRIGGERS at the n-th SSH command to agent S5 (1, 2: listing the roles
 * directories, 3: measuring the orphan, 4: the preflight inspection, 5: the fenced remove), so every case
 * is deterministic. Each asserts on the sandbox: nothing is deleted that the master or Marathon still
 * claims, and the output and --json say exactly what was done.
 */

const WORK_DIR = 'var/lib/mesos/slave';
const ROLES = `${WORK_DIR}/volumes/roles/slave_public`;
const STRAY = 'postgres#pgdata#2b7e1f30-fd96-11e5-8e70-76a1c19f8c3d';
const STRAY_PATH = `/${ROLES}/${STRAY}`;
/** The waiting task Marathon lists again once its state is restored from a backup (restore-task). */
const RESTORED = 'postgres.instance-2b7e1f31-fd96-11e5-8e70-76a1c19f8c3d._app.1';

interface PurgeJson {
  data: { path: string }[];
  skipped: { agentId: string; path: string; reason: string }[];
  warnings: string[];
  plan?: { data: { path: string; again: boolean }[]; refused: { item: string; reasons: string[] }[] };
  results?: { purged: { path: string; outcome: string; bytes: number; entriesRemoved: number; confirmed: boolean | null; again: boolean; error: string | null }[]; released?: unknown[] };
}

describe('volumes orphans --purge while the cluster moves', () => {
  let dir: string;
  let cleanup: () => void;
  const cli = (args: string[], env: Record<string, string> = {}) => runCli([...mockArgs(dir), ...args], { env });
  const purge = async (triggers?: string, extra: string[] = []) => {
    const r = await cli(['--json', 'volumes', 'orphans', '--purge', '--yes', ...extra], triggers ? { STATEFUL_OPS_MOCK_TRIGGERS: triggers } : {});
    return { ...r, doc: JSON.parse(r.stdout || '{}') as PurgeJson };
  };
  const agents = () => snapshot(join(dir, 'agents'));
  const strayDir = () => join(dir, 'agents', S(5), 'root', ROLES, STRAY);
  const journalSteps = () => {
    const jdir = join(dir, 'journal');
    if (!existsSync(jdir)) return [];
    return readdirSync(jdir).flatMap((f) =>
      readFileSync(join(jdir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { step: string; status: string })
        .map((e) => `${e.step}:${e.status}`),
    );
  };

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    expect((await cli(['mock', 'reset'])).code).toBe(0);
  });
  afterEach(() => cleanup());

  it('a master without reserved_resources_full (Mesos before 0.28): every agent "could not be checked", nothing is orphan data, exit 5', async () => {
    editMockState(dir, (state) => Object.assign(state, { mesosVersion: '0.27.3' }));
    const before = agents();
    const report = await cli(['--json', 'volumes', 'orphans']);
    expect(report.code, report.stderr).toBe(ExitCode.PARTIAL);
    const doc = JSON.parse(report.stdout) as PurgeJson;
    expect(doc.data).toEqual([]);
    expect(doc.warnings).toHaveLength(6 - 1); // every agent the master lists (the lost one is not listed)
    for (const w of doc.warnings) expect(w).toMatch(/^agent \S+-S\d \(127\.0\.0\.\d+\): the master's \/slaves entry has no reserved_resources_full .* — its volume directories not checked$/);
    expect(report.stderr).toMatch(/^Warning: agent d935ca7e-e29d-4503-94e7-25fe9f16847c-S5 \(127\.0\.0\.172\): the master's \/slaves entry has no reserved_resources_full/m);

    const r = await purge();
    expect(r.code, r.stderr).toBe(ExitCode.PARTIAL);
    expect(r.doc.plan?.data).toEqual([]);
    expect(r.doc.results).toEqual({ purged: [], released: [] });
    expect(r.stderr).toContain('Nothing to do.');
    expect(changedPaths(before, agents())).toEqual([]);
  });

  it('a persistence id Marathon still lists on any task (here: a task on another agent) is never orphan data', async () => {
    editMockState(dir, (state) => {
      const task = state.tasks.find((t) => t.id.startsWith('postgres.') && t.localVolumes.length > 0) as (typeof state.tasks)[number];
      task.localVolumes.push({ containerPath: 'pgdata-old', persistenceId: STRAY });
    });
    const before = agents();
    const r = await purge();
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    expect(r.doc.data).toEqual([]);
    expect(r.doc.skipped).toEqual([
      { agentId: S(5), hostname: '127.0.0.172', path: STRAY_PATH, reason: expect.stringMatching(/^Marathon still lists this persistence id on task postgres\.instance-\S+; its data is not orphaned$/) },
    ]);
    expect(r.doc.results).toEqual({ purged: [], released: [] });
    expect(changedPaths(before, agents())).toEqual([]);
    const text = await cli(['volumes', 'orphans']);
    expect(text.stdout).toMatch(/^ORPHAN DATA: 0 directories, 0 B reclaimable$/m);
    expect(text.stdout).toContain(`127.0.0.172 ${STRAY_PATH}: Marathon still lists this persistence id on task postgres.instance-`);
  });

  it('Marathon lists the id again between scan and preflight: refused in the plan, nothing deleted, exit 4', async () => {
    const before = agents();
    const r = await purge(`S5:after=3:restore-task=${STRAY}`);
    expect(r.code, r.stderr).toBe(ExitCode.REFUSED);
    expect(r.doc.data.map((d) => d.path)).toEqual([STRAY_PATH]);
    expect(r.doc.plan?.data).toEqual([]);
    expect(r.doc.plan?.refused).toEqual([{ item: `127.0.0.172 ${STRAY_PATH}`, reasons: [`Marathon still lists this persistence id on task ${RESTORED}; its data is not orphaned`] }]);
    expect(changedPaths(before, agents())).toEqual([]);
  });

  it('Marathon lists the id again between preflight and the remove: the per-directory re-check refuses, exit 4', async () => {
    const before = agents();
    const r = await purge(`S5:after=4:restore-task=${STRAY}`);
    expect(r.code, r.stderr).toBe(ExitCode.REFUSED);
    expect(r.doc.plan?.data.map((d) => d.path)).toEqual([STRAY_PATH]);
    expect(r.doc.results?.purged).toEqual([
      expect.objectContaining({
        path: STRAY_PATH,
        outcome: 'refused',
        bytes: 0,
        confirmed: null,
        error: `refused right before removing: Marathon still lists this persistence id on task ${RESTORED}; its data is not orphaned; nothing was deleted`,
      }),
    ]);
    expect(changedPaths(before, agents())).toEqual([]);
    expect(journalSteps()).toEqual(['recheck:failed']);
    const text = await cli(['volumes', 'orphans', '--purge', '--yes']);
    expect(text.code).toBe(ExitCode.OK); // now known to Marathon: not an orphan any more
  });

  it('a volume is created for the directory between scan and purge (operator CREATE): refused right before the remove', async () => {
    const before = agents();
    const r = await purge(`S5:after=4:create-volume=${STRAY}`);
    expect(r.code, r.stderr).toBe(ExitCode.REFUSED);
    expect(r.doc.results?.purged.map((p) => [p.outcome, p.error])).toEqual([
      ['refused', 'refused right before removing: the Mesos master lists a volume with this role and id on the agent; nothing was deleted'],
    ]);
    expect(changedPaths(before, agents())).toEqual([]);
    const text = await cli(['volumes', 'orphans', '--purge', '--dry-run']);
    expect(text.stdout).toMatch(/^ORPHAN DATA: 0 directories/m); // a volume again, not orphan data
  });

  it('the directory is in use by a container at the moment of the remove: the agent-side fence refuses in the same command', async () => {
    const before = agents();
    const r = await purge(`S5:before=5:in-use-path=${STRAY_PATH}`);
    expect(r.code, r.stderr).toBe(ExitCode.REFUSED);
    expect(r.doc.results?.purged.map((p) => [p.outcome, p.bytes, p.error])).toEqual([
      ['refused', 0, `agent ${S(5)} (127.0.0.172): ${STRAY_PATH} is in use right now (mounted in the mount namespace of pid 50000 at /data); nothing was deleted`],
    ]);
    expect(changedPaths(before, agents())).toEqual([]);
    expect(journalSteps()).toEqual(['remove:started', 'remove:failed']);
  });

  it('a symlinked path component between work_dir and the directory: the fence refuses, nothing behind the link is deleted', async () => {
    // The agent's volumes directory was moved to a bigger disk and linked back: Mesos follows the link, the fence does not.
    const root = join(dir, 'agents', S(5), 'root');
    mkdirSync(join(root, 'srv'), { recursive: true });
    renameSync(join(root, WORK_DIR, 'volumes'), join(root, 'srv/volumes'));
    symlinkSync('../../../../srv/volumes', join(root, WORK_DIR, 'volumes'));
    const before = agents();
    const r = await purge();
    expect(r.doc.data.map((d) => d.path)).toEqual([STRAY_PATH]);
    expect(r.code, r.stderr).toBe(ExitCode.REFUSED);
    expect(r.doc.results?.purged).toEqual([
      expect.objectContaining({ outcome: 'refused', bytes: 0, error: expect.stringMatching(new RegExp(`^agent ${S(5)} \\(127\\.0\\.0\\.172\\): ${STRAY_PATH} has a symbolic link in its path \\(symlink: .*/var/lib/mesos/slave/volumes\\); nothing was deleted$`)) }),
    ]);
    expect(changedPaths(before, agents())).toEqual([]);
    expect(readdirSync(join(root, 'srv/volumes/roles/slave_public', STRAY)).length).toBeGreaterThan(0);
  });

  it('the remove ran but its report was lost (connection cut before the exit status): re-inspected, "removed, not confirmed"', async () => {
    const before = agents();
    const r = await cli(['--json', 'volumes', 'orphans', '--purge', '--yes'], { STATEFUL_OPS_MOCK_SSH_FAULTS: 'S5:lose-report=5' });
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    const doc = JSON.parse(r.stdout) as PurgeJson;
    expect(doc.results?.purged).toEqual([
      expect.objectContaining({ outcome: 'removed-unconfirmed', confirmed: false, entriesRemoved: 9, error: expect.stringMatching(/^the agent's report was lost \(.*\); re-inspected: the directory is gone$/) }),
    ]);
    expect(doc.results?.purged[0]?.bytes).toBeGreaterThan(0);
    expect(existsSync(strayDir())).toBe(false);
    for (const p of changedPaths(before, agents())) expect(p.includes(STRAY), p).toBe(true);
    expect(journalSteps()).toEqual(['remove:started', 'remove:done']);
  });

  it('--release-reservations re-reads right before each release: a reservation Marathon claims again by then is not released', async () => {
    const mysql = join('agents', S(3), 'root', ROLES, 'db_mysql#data#6a1e3b51-0a4f-11ec-9a03-0242ac130003');
    const before = agents();
    // After the orphan directory on S5 is removed, Marathon's state is restored: the /db/mysql instance is back.
    const r = await cli(['--json', 'volumes', 'orphans', '--purge', '--release-reservations', '--yes'], {
      STATEFUL_OPS_MOCK_TRIGGERS: 'S5:after=5:restore-task=db_mysql#data#6a1e3b51-0a4f-11ec-9a03-0242ac130003@S3',
    });
    expect(r.code, r.stderr).toBe(ExitCode.PARTIAL);
    const doc = JSON.parse(r.stdout) as PurgeJson & { results: { released: { agentId: string; outcome: string; error: string | null }[] } };
    expect(doc.results.purged.map((p) => p.outcome)).toEqual(['removed']);
    expect(doc.results.released.map((x: { agentId: string; outcome: string; error: string | null }) => [x.agentId, x.outcome, x.error])).toEqual([
      [S(0), 'released', null],
      [S(3), 'refused', 'refused right before releasing: no longer an orphan: Marathon or the master changed since the plan; nothing was sent'],
    ]);
    expect(existsSync(join(dir, mysql))).toBe(true);
    for (const p of changedPaths(before, agents())) expect(p.includes(STRAY) || p.includes('jenkins#jenkins_home'), p).toBe(true);
  });

  it('the journal never overrides the disk: a directory it says was removed but that is back with entries is removed again', async () => {
    const saved = join(dir, 'saved');
    cpSync(strayDir(), saved, { recursive: true });
    const first = await purge();
    expect(first.code, first.stderr).toBe(ExitCode.OK);
    expect(existsSync(strayDir())).toBe(false);
    cpSync(saved, strayDir(), { recursive: true });
    const before = agents();
    const again = await purge();
    expect(again.code, again.stderr).toBe(ExitCode.OK);
    expect(again.doc.plan?.data.map((d) => [d.path, d.again])).toEqual([[STRAY_PATH, true]]);
    expect(again.doc.results?.purged.map((p) => [p.outcome, p.again, p.entriesRemoved, p.confirmed])).toEqual([['removed', true, 9, true]]);
    expect(existsSync(strayDir())).toBe(false);
    for (const p of changedPaths(before, agents())) expect(p.includes(STRAY), p).toBe(true);
    expect(journalSteps()).toEqual(['remove:started', 'remove:done', 'remove:started', 'remove:done']);
  });
});
