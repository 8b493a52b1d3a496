import { describe, expect, it } from 'vitest';
import { newCmdTasksList, run } from '../../../../src/commands/tasks/list.js';
import { ExitCode } from '../../../../src/core/errors.js';
import type { MarathonTask } from '../../../../src/model/marathon.js';
import type { MesosSlaves } from '../../../../src/model/mesos.js';
import { fakeClients, parseCommand, runCommand } from '../../../helpers/command.js';

const WAITING = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';
const RUNNING = 'postgres.instance-4f2a1c11-fd96-11e5-8e70-76a1c19f8c3d._app.1';
const task = (id: string, state: string): MarathonTask => ({
  id,
  ...(state === 'TASK_RUNNING' ? { stagedAt: '2026-12-01T10:00:00.000Z', startedAt: '2026-12-01T10:00:01.000Z' } : {}),
  appId: '/postgres',
  host: '127.0.0.168',
  slaveId: 'S1',
  state,
  localVolumes: [{ containerPath: 'pgdata', persistenceId: `postgres#pgdata#${id.slice(18, 54)}` }],
});
const agents: MesosSlaves = { slaves: [{ id: 'S1', hostname: '127.0.0.168', active: true }] };
const cluster = (tasks: MarathonTask[]) =>
  fakeClients({ marathon: { tasks: async ({ keep } = {}) => tasks.filter((t) => !keep || keep(t)) }, mesos: { agents: async () => agents } });

describe('tasks list: flags', () => {
  it('passes its options to run', async () => {
    const p = await parseCommand(newCmdTasksList, ['--all', '--app', '/db/', '--agent', 'S1', '--reservations']);
    expect(p).toMatchObject({ exitCode: ExitCode.OK, args: [{ all: true, app: '/db/', agent: 'S1', reservations: true }] });
  });

  it('an unknown option or a missing value is a usage error (2), and run is not called', async () => {
    for (const argv of [['--nosuch'], ['--app']]) {
      const p = await parseCommand(newCmdTasksList, argv);
      expect(p.args).toBeUndefined();
      expect(p.exitCode).toBe(ExitCode.USAGE);
      expect(p.stderr).toMatch(/error: (unknown option '--nosuch'|option '--app <id>' argument missing)/);
    }
  });
});

describe('tasks list: output', () => {
  const tasks = [task(WAITING, 'TASK_KILLED'), task(RUNNING, 'TASK_RUNNING')];

  it('prints the waiting task as a table (no terminal: nothing cut)', async () => {
    const r = await runCommand((ctx) => run(ctx, {}), { clients: cluster(tasks) });
    expect(r.exitCode).toBe(ExitCode.OK);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(/^APP +TASK +HOST +AGENT +STATE +VOLUMES$/),
      expect.stringMatching(new RegExp(`^/postgres +${WAITING.replaceAll('.', '\\.')} +127\\.0\\.0\\.168 +S1 +waiting +pgdata$`)),
      '',
    ]);
    expect(r.stderr).toBe('');
  });

  it('--all adds the running task; -q prints the ids only', async () => {
    const r = await runCommand((ctx) => run(ctx, { all: true }), { clients: cluster(tasks), globals: { quiet: true } });
    expect(r.stdout).toBe(`${RUNNING}\n${WAITING}\n`);
  });

  it('--json prints the rows as an array', async () => {
    const r = await runCommand((ctx) => run(ctx, {}), { clients: cluster(tasks), globals: { json: true, output: 'json' } });
    const rows = JSON.parse(r.stdout) as { task: string; state: string; needsManualWipe: boolean }[];
    expect(rows).toMatchObject([{ task: WAITING, state: 'waiting', needsManualWipe: false }]);
  });

  it('nothing waiting: a note on stderr, nothing on stdout, exit 0', async () => {
    const r = await runCommand((ctx) => run(ctx, {}), { clients: cluster([task(RUNNING, 'TASK_RUNNING')]) });
    expect(r).toEqual({ exitCode: ExitCode.OK, stdout: '', stderr: expect.stringContaining('No waiting stateful tasks. (Use --all to include running ones.)') });
  });

  it('the master unreadable: the tasks still, a warning, exit 5 (partial)', async () => {
    const clients = fakeClients({ marathon: { tasks: async () => tasks }, mesos: { agents: async () => Promise.reject(new Error('connection refused')) } });
    const r = await runCommand((ctx) => run(ctx, {}), { clients });
    expect(r.exitCode).toBe(ExitCode.PARTIAL);
    expect(r.stdout).toContain(WAITING);
    expect(r.stderr).toContain('Mesos master: connection refused — agent status unknown, lost agents cannot be detected');
  });
});
