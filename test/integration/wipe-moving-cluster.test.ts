import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mockArgs, runCli, tempDir } from '../helpers/cli.js';
import { changedPaths, editMockState, snapshot } from '../helpers/sandbox.js';
import { ExitCode } from '../../src/core/errors.js';
import { S } from '../helpers/mock-dirs.js';

/**
 * The cluster moves while a wipe runs: each change is injected at a named step boundary through
 * STATEFUL_OPS_MOCK_TRIGGERS (the n-th SSH command to agent S1: 1 = the preflight inspection, then the
 * backup when asked for, then the fenced delete), so the cases are deterministic. Every case asserts on
 * the sandbox: nothing of a live task's volume is deleted, no live instance is expunged, and the output
 * and --json say exactly what was done.
 */

const UUID = '53ab8733-fd96-11e5-8e70-76a1c19f8c3d';
const PID = 'postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d';
const WAITING = `postgres.instance-${UUID}._app.1`;
const RELAUNCHED = `postgres.instance-${UUID}._app.2`;
const VOLUME = join('agents', S(1), 'root', 'var/lib/mesos/slave/volumes/roles/slave_public', PID);

interface WipeJson {
  refused: { task: string; reasons: string[] }[];
  results: { task: string; outcome: string; error: string | null; dataDeletedAt: string | null; bytesDeleted: number; backups: string[] }[];
}

describe('wipe while the cluster moves', () => {
  let dir: string;
  let cleanup: () => void;
  const cli = (args: string[], triggers?: string) =>
    runCli([...mockArgs(dir), ...args], triggers ? { env: { STATEFUL_OPS_MOCK_TRIGGERS: triggers } } : {});
  // After an expunge the agent (Mesos 1.11) removes the destroyed volume's directory: no entries left either way.
  const volumeEntries = () => (existsSync(join(dir, VOLUME)) ? readdirSync(join(dir, VOLUME)) : []);
  const tasks = async () =>
    (JSON.parse((await cli(['--json', 'tasks', 'list', '--all', '--app', '/postgres'])).stdout) as { task: string; state: string }[]).map(
      (t) => `${t.task} ${t.state}`,
    );
  const wipeJson = async (triggers: string, extra: string[] = []) => {
    const r = await cli(['--json', 'wipe', '--yes', ...extra, WAITING], triggers);
    return { ...r, doc: JSON.parse(r.stdout || '{}') as WipeJson };
  };
  const journalLines = () => {
    const jdir = join(dir, 'journal');
    return existsSync(jdir) ? readdirSync(jdir).flatMap((f) => readFileSync(join(jdir, f), 'utf8').split('\n').filter(Boolean)) : [];
  };

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    expect((await cli(['mock', 'reset'])).code).toBe(0);
  });
  afterEach(() => cleanup());

  it("the issue's reproduction: a scale-up relaunches the task after preflight → refused, the running task keeps every file", async () => {
    const before = snapshot(join(dir, 'agents'));
    const r = await cli(['wipe', '--yes', WAITING], `S1:after=1:scale=/postgres@3`);
    expect(r.code, r.stderr).toBe(ExitCode.REFUSED);
    expect(r.stdout).toMatch(/refused: refused deleting .*the instance relaunched: .*_app\.2 is TASK_RUNNING.*nothing was done/);
    expect(changedPaths(before, snapshot(join(dir, 'agents')))).toEqual([]);
    expect(await tasks()).toContain(`${RELAUNCHED} running`);
  });

  it('relaunched right before the delete command: the agent-side fence sees the container mount, nothing deleted', async () => {
    const { code, doc } = await wipeJson(`S1:before=2:relaunch=${WAITING}`);
    expect(code).toBe(ExitCode.REFUSED);
    expect(doc.results[0]).toMatchObject({ outcome: 'refused', dataDeletedAt: null, bytesDeleted: 0 });
    expect(doc.results[0]?.error).toMatch(/is in use right now \(mounted in the mount namespace of pid \d+/);
    expect(volumeEntries().length).toBe(5);
    expect(await tasks()).toContain(`${RELAUNCHED} running`);
  });

  it('relaunched between delete and expunge: the DELETE is never sent, the report says the data is gone and when', async () => {
    const { code, doc, stderr } = await wipeJson(`S1:after=2:relaunch=${WAITING}`);
    expect(code).toBe(ExitCode.CHANGED);
    const result = doc.results[0];
    expect(result?.outcome).toBe('relaunched');
    expect(result?.dataDeletedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(result?.error).toMatch(/the expunge was not sent — the instance now runs on an empty volume; no backup was made/);
    expect(stderr).toMatch(/RELAUNCHED AFTER ITS DATA WAS DELETED/);
    // The live instance was not expunged.
    expect(await tasks()).toContain(`${RELAUNCHED} running`);
  });

  it('relaunched after the backup: nothing deleted, the backup kept and named', async () => {
    const backups = join(dir, 'backups');
    const { code, doc } = await wipeJson(`S1:after=2:relaunch=${WAITING}`, ['--backup-dir', backups]);
    expect(code).toBe(ExitCode.REFUSED);
    expect(doc.results[0]).toMatchObject({ outcome: 'refused', dataDeletedAt: null });
    expect(doc.results[0]?.backups.length).toBe(1);
    expect(existsSync(doc.results[0]?.backups[0] as string)).toBe(true);
    expect(volumeEntries().length).toBe(5);
  });

  it('a deployment starts after preflight: refused with the deployment named', async () => {
    const { code, doc } = await wipeJson('S1:after=1:deploy=/postgres');
    expect(code).toBe(ExitCode.REFUSED);
    expect(doc.results[0]?.error).toMatch(/deployment [0-9a-f-]+ touching \/postgres is in progress/);
    expect(volumeEntries().length).toBe(5);
  });

  it('the agent is removed from the master after preflight: refused, nothing deleted', async () => {
    const { code, doc } = await wipeJson('S1:after=1:remove-agent');
    expect(code).toBe(ExitCode.REFUSED);
    expect(doc.results[0]?.error).toMatch(/the agent is no longer registered with the master/);
    expect(volumeEntries().length).toBe(5);
  });

  it('a container Marathon does not know about starts using the volume: the fence refuses', async () => {
    const { code, doc } = await wipeJson(`S1:before=2:in-use=${WAITING}`);
    expect(code).toBe(ExitCode.REFUSED);
    expect(doc.results[0]?.error).toMatch(/in use right now .*pid 5\d{4} at \/data.*nothing was deleted/);
    expect(volumeEntries().length).toBe(5);
    expect(await tasks()).toContain(`${WAITING} waiting`);
  });

  it('the app wants more instances than are launched (Marathon is about to relaunch): refused with the scale to do first', async () => {
    // instances raised, the relaunch not done yet: the transient state a scale-up passes through.
    editMockState(dir, (state) => {
      const app = (state as unknown as { apps: { id: string; instances: number }[] }).apps.find((a) => a.id === '/postgres');
      if (app) app.instances = 3;
    });
    const r = await cli(['wipe', '--yes', WAITING]);
    expect(r.code).toBe(ExitCode.REFUSED);
    expect(r.stdout).toMatch(/\/postgres wants 3 instances but 2 are launched: .*scale \/postgres to 2 first/);
    expect(volumeEntries().length).toBe(5);
  });

  it('Marathon 1.1 reuses the task id on relaunch: the same id, now launched, is refused', async () => {
    expect((await cli(['mock', 'reset', '--marathon-version', '1.1'])).code).toBe(0);
    // 1.1 lists the lost agent's task as reserved too, so the app is consistent with one instance wanted.
    editMockState(dir, (state) => {
      const app = (state as unknown as { apps: { id: string; instances: number }[] }).apps.find((a) => a.id === '/postgres');
      if (app) app.instances = 1;
    });
    const id = `postgres.${UUID}`;
    const r = await cli(['--json', 'wipe', '--yes', id], `S1:after=1:relaunch=${id}`);
    expect(r.code).toBe(ExitCode.REFUSED);
    const doc = JSON.parse(r.stdout) as WipeJson;
    expect(doc.results[0]?.error).toMatch(new RegExp(`the instance relaunched: ${id.replace(/\./g, '\\.')} is`));
    expect(volumeEntries().length).toBe(5);
  });

  it('every refusal is journaled, and a later run (the world settled) does the wipe', async () => {
    expect((await wipeJson('S1:after=1:deploy=/postgres')).code).toBe(ExitCode.REFUSED);
    expect(journalLines().some((l) => l.includes('"step":"recheck"') && l.includes('"status":"failed"'))).toBe(true);
    // Clear the deployment as an operator would (DELETE /v2/deployments/<id> is what the mock serves too).
    const served = await runCli(['--mock-dir', dir, 'mock', 'reset']);
    expect(served.code).toBe(0);
    const again = await cli(['wipe', '--yes', WAITING]);
    expect(again.code, again.stderr).toBe(ExitCode.OK);
    expect(volumeEntries()).toEqual([]);
  });

  it('contradictions in Marathon refuse the task: the id listed twice, a persistence id claimed by two tasks', async () => {
    editMockState(dir, (state) => {
      const task = state.tasks.find((t) => t.id === WAITING);
      if (task) state.tasks.push(JSON.parse(JSON.stringify(task)) as typeof task);
    });
    const twice = await cli(['wipe', '--yes', WAITING]);
    expect(twice.code).toBe(ExitCode.REFUSED);
    expect(twice.stdout).toMatch(/Marathon lists task 'postgres\.instance-53ab8733[^']*' 2 times/);
    expect(volumeEntries().length).toBe(5);

    expect((await cli(['mock', 'reset'])).code).toBe(0);
    editMockState(dir, (state) => {
      const running = state.tasks.find((t) => t.id.startsWith('postgres.instance-4f2a1c11'));
      if (running?.localVolumes[0]) running.localVolumes[0].persistenceId = PID;
    });
    const claimed = await cli(['wipe', '--yes', WAITING]);
    expect(claimed.code).toBe(ExitCode.REFUSED);
    expect(claimed.stdout).toMatch(/persistence id 'postgres#pgdata#53ab8732[^']*' is claimed by 2 tasks/);
    expect(volumeEntries().length).toBe(5);
  });

  it('the journal never overrides the disk: a deleted volume that has entries again is planned and deleted again', async () => {
    const failed = await runCli([...mockArgs(dir), 'wipe', '--yes', WAITING], { env: { STATEFUL_OPS_MOCK_FAULTS: 'marathon:status=503,method=DELETE' } });
    expect(failed.code).not.toBe(ExitCode.OK);
    expect(volumeEntries()).toEqual([]);
    writeFileSync(join(dir, VOLUME, 'written-after'), 'new data\n');
    writeFileSync(join(dir, VOLUME, '.hidden-after'), 'x');
    const plan = await cli(['wipe', '--dry-run', WAITING]);
    expect(plan.stdout).toMatch(/DELETE  contents of .* — [\d.]+ \w+, 2 entries/);
    expect(plan.stdout).toMatch(/AGAIN   an earlier run deleted it, but 2 entries are there now: they are deleted again/);
    const again = await cli(['--json', 'wipe', '--yes', WAITING]);
    expect(again.code, again.stderr).toBe(ExitCode.OK);
    expect((JSON.parse(again.stdout) as WipeJson).results[0]).toMatchObject({ outcome: 'wiped' });
    expect(volumeEntries()).toEqual([]);
    expect(journalLines().filter((l) => l.includes('"step":"delete:pgdata"') && l.includes('"status":"done"')).length).toBe(2);
  });

  it('the delete ran but its report was lost (connection cut): re-inspected, "deleted, not confirmed", never "failed, 0 B"', async () => {
    const r = await cli(['--json', 'wipe', '--yes', WAITING], 'S1:after=2:cut');
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    const result = (JSON.parse(r.stdout) as WipeJson).results[0] as WipeJson['results'][0] & { deleteConfirmed: boolean; entriesDeleted: number };
    expect(result).toMatchObject({ outcome: 'wiped', deleteConfirmed: false, entriesDeleted: 9 });
    expect(r.stderr).toMatch(/deleted, not confirmed/);
    expect(volumeEntries()).toEqual([]);
  });

  it('resume after the instance relaunched on its deleted volume: said loudly (exit 9), no DELETE sent; the other task finishes', async () => {
    const MYSQL = 'db_mysql.instance-6a1e3b42-0a4f-11ec-9a03-0242ac130003._app.3';
    const first = await runCli([...mockArgs(dir), 'wipe', '--yes', WAITING, MYSQL], { env: { STATEFUL_OPS_MOCK_FAULTS: 'marathon:status=503,method=DELETE' } });
    expect(first.code).not.toBe(ExitCode.OK);
    expect(volumeEntries()).toEqual([]);
    // Between the runs Marathon relaunches the postgres instance on its (now empty) reservation.
    expect((await cli(['tasks', 'show', '--disk-usage', WAITING], `S1:after=1:relaunch=${WAITING}`)).code).toBe(ExitCode.OK);
    const resumed = await cli(['--json', 'wipe', '--yes', WAITING, MYSQL]);
    expect(resumed.code).toBe(ExitCode.CHANGED);
    const doc = JSON.parse(resumed.stdout) as WipeJson;
    expect(doc.results.find((x) => x.task === MYSQL)?.outcome).toBe('wiped');
    const pg = doc.results.find((x) => x.task === WAITING);
    expect(pg?.outcome).toBe('relaunched');
    expect(pg?.error).toMatch(/relaunched as postgres\.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d\._app\.2 \(running\); the expunge was not sent/);
    expect(await tasks()).toContain(`${RELAUNCHED} running`);
  });
});
