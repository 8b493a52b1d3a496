import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mockArgs, runCli } from '../helpers/cli.js';
import { defaultMockDirs, S } from '../helpers/mock-dirs.js';
import { ExitCode } from '../../src/core/errors.js';
import { readStateFile } from '../../src/mock/store.js';

const POSTGRES_S0 = 'postgres.instance-4f2a1c11-fd96-11e5-8e70-76a1c19f8c3d._app.2';
const newMockDir = defaultMockDirs();

function freshMock() {
  const dir = newMockDir();
  const cli = (args: string[], input?: string) => runCli([...mockArgs(dir), ...args], input === undefined ? {} : { input });
  const m = (args: string[]) => cli(['agent', 'maintenance', ...args]);
  const data = async (args: string[]) => {
    const r = await cli(['--json', 'agent', 'maintenance', ...args]);
    return { ...r, doc: JSON.parse(r.stdout) as Record<string, any> };
  };
  const state = () => readStateFile(dir);
  return { dir, cli, m, data, state };
}

describe.concurrent('agent maintenance against the mock master', { timeout: 480_000 }, () => {
  it('the recipe: schedule → status (draining, inverse offers) → down refused for the last postgres instance → --force → up relaunches it on its reservation', async () => {
    const c = freshMock();
    const scheduled = await c.m(['schedule', '127.0.0.167', '--start', '2030-01-01T00:00:00Z', '--duration', '2h']);
    expect(scheduled.code, scheduled.stderr).toBe(ExitCode.OK);
    expect(scheduled.stdout).toContain(
      'SEND    POST http://127.0.0.1:',
    );
    expect(scheduled.stdout).toContain('/mesos/master/maintenance/schedule {"windows":[{"machine_ids":[{"hostname":"127.0.0.167","ip":"127.0.0.167"}],"unavailability":{"start":{"nanoseconds":1893456000000000000},"duration":{"nanoseconds":7200000000000}}}]}');

    const status = await c.data(['status']);
    expect(status.doc.machines).toEqual([
      expect.objectContaining({
        machine: { hostname: '127.0.0.167', ip: '127.0.0.167' },
        mode: 'DRAINING',
        window: '2030-01-01T00:00:00Z for 2h',
        agents: [S(0)],
        frameworks: [
          expect.objectContaining({ name: 'marathon', tasks: 2, answer: 'no answer' }),
          expect.objectContaining({ name: 'jenkins', tasks: 1, answer: 'ACCEPT' }),
        ],
      }),
    ]);

    const refused = await c.m(['down', '--yes', '127.0.0.167']);
    expect(refused.code).toBe(ExitCode.REFUSED);
    expect(refused.stdout).toContain(`/postgres would lose its last running instance (${POSTGRES_S0}; 0 healthy elsewhere)`);
    expect(c.state()?.agents.find((a) => a.id === S(0))?.down).toBeUndefined();

    const down = await c.data(['down', '--yes', '--force', '127.0.0.167']);
    expect(down.code, down.stderr).toBe(ExitCode.OK);
    expect(down.doc).toMatchObject({ forced: true, result: { outcome: 'down', verified: true } });
    expect(down.doc.killed.map((k: { task: string }) => k.task.split('.')[0])).toEqual(['jenkins-agent-linux', 'postgres', 'web_nginx']);
    const whileDown = await c.data(['status']);
    expect(whileDown.doc.machines).toEqual([expect.objectContaining({ mode: 'DOWN', agents: [], waiting: [{ app: '/postgres', task: POSTGRES_S0 }] })]);
    const tasks = JSON.parse((await c.cli(['--json', 'tasks', 'list', '--all', '--app', '/postgres'])).stdout) as { task: string; marathonState: string }[];
    expect(tasks.find((t) => t.task === POSTGRES_S0)?.marathonState).toBe('TASK_GONE_BY_OPERATOR');

    const up = await c.data(['up', '127.0.0.167']);
    expect(up.code, up.stderr).toBe(ExitCode.OK);
    expect(up.doc.result).toEqual({
      outcome: 'up',
      verified: true,
      machines: [{ machine: { hostname: '127.0.0.167', ip: '127.0.0.167' }, agents: [S(0)], resident: [{ app: '/postgres', task: POSTGRES_S0.replace(/2$/, '3'), relaunched: true }] }],
    });
    expect((await c.data(['status'])).doc.machines).toEqual([]);
  });

  it('down of a machine without a stateful last instance: dry-run first, no terminal needs --yes, journaled, a re-run is a no-op', async () => {
    const c = freshMock();
    await c.m(['schedule', S(5), '--duration', '30min']);
    const dry = await c.m(['down', '--dry-run', S(5)]);
    expect(dry.code).toBe(ExitCode.OK);
    expect(dry.stdout).toMatch(/KILL {4}web_nginx\.instance-8c2d2f62-\S+ \(\/web\/nginx, rescheduled elsewhere\)/);
    expect(c.state()?.maintenance?.machines).toEqual([expect.objectContaining({ mode: 'DRAINING' })]);
    const noTty = await c.m(['down', S(5)]);
    expect(noTty.code).toBe(ExitCode.REFUSED);
    expect(noTty.stderr).toContain('no terminal to ask on');
    expect(c.state()?.maintenance?.machines[0]?.mode).toBe('DRAINING');
    const done = await c.m(['down', '--yes', S(5)]);
    expect(done.code, done.stderr).toBe(ExitCode.OK);
    const journalDir = join(c.dir, 'journal');
    const journal = readdirSync(journalDir).find((f) => f.startsWith('maintenance-down-'));
    const steps = readFileSync(join(journalDir, journal ?? ''), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: string; status: string });
    expect(steps.map((s) => `${s.step}:${s.status}`)).toEqual(['down:started', 'down:done']);
    // The agent is gone from the master: the machine is found by its hostname in the status.
    const again = await c.m(['down', '--yes', '127.0.0.172']);
    expect(again.code).toBe(ExitCode.OK);
    expect(again.stdout).toContain('DONE    127.0.0.172 (127.0.0.172) is DOWN already');
    const nginx = c.state()?.tasks.filter((t) => t.appId === '/web/nginx').map((t) => t.agentId);
    expect(nginx).not.toContain(S(5));
    expect(nginx).toHaveLength(2);
  });

  it('refusals: down of an unscheduled machine, up of a draining one, schedule --remove of a DOWN one, unknown names (exit 3)', async () => {
    const c = freshMock();
    const unscheduled = await c.m(['down', '--yes', '127.0.0.170']);
    expect(unscheduled.code).toBe(ExitCode.REFUSED);
    expect(unscheduled.stdout).toContain('is not scheduled for maintenance (Mesos brings down DRAINING machines only)');
    await c.m(['schedule', '127.0.0.170', '--duration', '1h']);
    const draining = await c.m(['up', '127.0.0.170']);
    expect(draining.code).toBe(ExitCode.REFUSED);
    expect(draining.stdout).toContain('is DRAINING, not DOWN');
    expect((await c.m(['down', '--yes', '127.0.0.170'])).code).toBe(ExitCode.OK);
    const remove = await c.m(['schedule', '--remove', '127.0.0.170']);
    expect(remove.code).toBe(ExitCode.REFUSED);
    expect(remove.stderr).toContain('Mesos refuses to drop a DOWN machine from the schedule');
    const unknown = await c.m(['down', '--yes', 'node-9.example']);
    expect(unknown.code).toBe(ExitCode.NOT_FOUND);
    expect(unknown.stderr.split('\n')[0]).toBe("Error: 'node-9.example' is neither an agent the Mesos master lists nor a machine in its maintenance schedule");
    expect((await c.m(['schedule', S(0)])).code).toBe(ExitCode.USAGE);
    expect((await c.m(['schedule', S(0), '--duration', '1h', '--start', 'tomorrow'])).code).toBe(ExitCode.USAGE);
  });

  it('schedule keeps the other windows, moves a machine between windows, and --remove brings a draining machine back UP', async () => {
    const c = freshMock();
    await c.m(['schedule', S(0), '--start', '2030-01-01T00:00:00Z', '--duration', '1h']);
    await c.m(['schedule', S(3), S(5), '--start', '2030-01-02T00:00:00Z', '--duration', '1h']);
    const moved = await c.data(['schedule', S(5), '--start', '2030-01-03T00:00:00Z', '--duration', '4h']);
    expect(moved.code).toBe(ExitCode.OK);
    expect(moved.doc.after.windows.map((w: { machine_ids: { hostname: string }[] }) => w.machine_ids.map((m) => m.hostname))).toEqual([
      ['127.0.0.167'],
      ['127.0.0.170'],
      ['127.0.0.172'],
    ]);
    expect((await c.m(['schedule', '--remove', S(0), S(3)])).code).toBe(ExitCode.OK);
    expect((await c.data(['status'])).doc.machines.map((m: { machine: { hostname: string }; mode: string }) => [m.machine.hostname, m.mode])).toEqual([['127.0.0.172', 'DRAINING']]);
    const dry = await c.data(['schedule', '--dry-run', S(4), '--duration', '1h']);
    expect(dry.doc).toMatchObject({ dryRun: true, otherWindowsKept: 1 });
    expect(c.state()?.maintenance?.windows).toHaveLength(1);
  });
});
