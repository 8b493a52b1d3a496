import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { journalRecords, mockCli, tempDir } from '../helpers/cli.js';
import { spawnMockCli } from '../helpers/mock-dirs.js';
import { ExitCode } from '../../src/core/errors.js';

const APP = '/bench/group-000/app-00000';

interface Row {
  task: string;
  agentId: string;
  volumes: { persistenceId: string }[];
}

describe('wipe in batches', () => {
  let dir: string;
  let cleanup: () => void;
  const cli = mockCli(() => dir);
  const waiting = async () => JSON.parse((await cli(['--json', 'tasks', 'list', '--app', APP])).stdout) as Row[];
  const volumeDir = (row: Row) =>
    join(dir, 'agents', row.agentId, 'root', 'var/lib/mesos/slave/volumes/roles/slave_public', row.volumes[0]?.persistenceId ?? '');
  // A wiped and expunged volume's directory is removed by the agent on DESTROY (Mesos 1.11): no entries either way.
  const entriesOf = (path: string) => (existsSync(path) ? readdirSync(path) : []);
  const journalLines = () => journalRecords(dir);

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    const r = await cli(['mock', 'reset', '--apps', '1', '--tasks-per-app', '8', '--waiting-ratio', '1', '--agents', '2']);
    expect(r.code, r.stderr).toBe(0);
  });
  afterEach(() => cleanup());

  it('--app --all-waiting wipes every waiting task of the app, agents in parallel', async () => {
    const rows = await waiting();
    expect(rows).toHaveLength(8);
    const r = await cli(['wipe', '--app', APP, '--all-waiting', '--yes']);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    expect(await waiting()).toEqual([]);
    for (const row of rows) expect(entriesOf(volumeDir(row))).toEqual([]);
  });

  it('one agent failing mid-batch: the other agent\'s tasks finish, summary and "partial" exit; a re-run completes', async () => {
    const rows = await waiting();
    // Agent S1: one inspect for its 4 tasks' volumes, then one delete; the 3rd command finds it dead.
    const r = await cli(['wipe', '--app', APP, '--all-waiting', '--yes'], { STATEFUL_OPS_MOCK_SSH_FAULTS: 'S1:die-after=2' });
    expect(r.code, r.stdout + r.stderr).toBe(ExitCode.PARTIAL);
    const outcomes = r.stdout.split('\n').filter((l) => / (wiped|failed: .*)$/.test(l));
    expect(outcomes.filter((l) => l.endsWith('wiped'))).toHaveLength(5);
    expect(outcomes.filter((l) => l.includes('failed:'))).toHaveLength(3);
    expect(r.stderr).toContain('Re-run the same command to resume');
    const left = await waiting();
    expect(left).toHaveLength(3);
    // Untouched volumes of the failed tasks still hold their data.
    for (const row of left) expect(entriesOf(volumeDir(row)).length).toBeGreaterThan(0);

    const again = await cli(['wipe', '--app', APP, '--all-waiting', '--yes']);
    expect(again.code, again.stdout + again.stderr).toBe(ExitCode.OK);
    expect(await waiting()).toEqual([]);
    for (const row of rows) expect(entriesOf(volumeDir(row))).toEqual([]);
  });

  it('Ctrl-C mid-batch: the current step finishes, nothing new starts, exit 130; the same command resumes', async () => {
    const rows = await waiting();
    const { child, output, exited } = spawnMockCli(dir, ['wipe', '--app', APP, '--all-waiting', '--yes', '--concurrency', '1'], {
      STATEFUL_OPS_MOCK_SSH_FAULTS: '*:latency=150',
    });
    // Interrupt once the first delete has been journaled as done.
    for (let i = 0; i < 400 && !journalLines().some((e) => e.step.startsWith('delete') && e.status === 'done'); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    const code = await exited;
    const { stdout, stderr } = output;
    expect(code, stdout + stderr).toBe(ExitCode.INTERRUPTED);
    expect(stderr).toMatch(/interrupted: finishing the current step, then stopping/);
    expect(stdout).toMatch(/interrupted: not started/);
    // Every started step also finished: no "started" without a matching end.
    const lines = journalLines();
    for (const e of lines.filter((x) => x.status === 'started')) {
      expect(lines.some((x) => x.item === e.item && x.step === e.step && x.status !== 'started')).toBe(true);
    }
    const left = await waiting();
    expect(left.length).toBeGreaterThan(0);
    expect(left.length).toBeLessThan(rows.length);

    const resumed = await cli(['wipe', '--app', APP, '--all-waiting', '--yes']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(ExitCode.OK);
    expect(await waiting()).toEqual([]);
    for (const row of rows) expect(entriesOf(volumeDir(row))).toEqual([]);
  }, 60_000);
});
