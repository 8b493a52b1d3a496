import { describe, expect, it } from 'vitest';
import { newCmdVolumesList, run } from '../../../../src/commands/volumes/list.js';
import { ExitCode } from '../../../../src/core/errors.js';
import { parseCommand } from '../../../helpers/command.js';
import { defaultMockDirs } from '../../../helpers/mock-dirs.js';
import { runOnMock } from '../../../helpers/mock-command.js';

const freshMock = defaultMockDirs();
const WAITING = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';
const LOST = 'postgres.instance-5e0c4a21-fd96-11e5-8e70-76a1c19f8c3d._app.1';

describe('volumes list: flags', () => {
  it('passes its options, SSH ones included, to run', async () => {
    const p = await parseCommand(newCmdVolumesList, ['--app', '/postgres', '--waiting', '--disk-usage', '--ssh-user', 'core', '--ssh-option', 'A=1', '--ssh-option', 'B=2']);
    expect(p.exitCode).toBe(ExitCode.OK);
    expect(p.args).toEqual([expect.objectContaining({ app: '/postgres', waiting: true, diskUsage: true, sshUser: 'core', sshOption: ['A=1', 'B=2'] })]);
  });

  it('a stray argument is a usage error (2)', async () => {
    const p = await parseCommand(newCmdVolumesList, ['/postgres']);
    expect(p).toMatchObject({ args: undefined, exitCode: ExitCode.USAGE, stderr: expect.stringContaining('too many arguments. Expected 0 arguments but got 1.') });
  });
});

describe('volumes list against the mock, in process', () => {
  it('the table: one row per volume with its host path; nothing on stderr', async () => {
    const r = await runOnMock(freshMock(), (ctx) => run(ctx, { app: '/postgres' }));
    expect(r.exitCode).toBe(ExitCode.OK);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^APP +TASK +STATE +HOST +CONTAINER PATH +MESOS +ON DISK +HOST PATH$/);
    expect(rows).toHaveLength(3);
    expect(rows.find((l) => l.includes(WAITING))).toMatch(/ waiting +127\.0\.0\.168 +pgdata +known +- +\/var\/lib\/mesos\/slave\/volumes\/roles\/slave_public\/postgres#pgdata#53ab8732-/);
    expect(r.stderr).toBe('');
  });

  it('--json: the volume details, host paths included', async () => {
    const r = await runOnMock(freshMock(), (ctx) => run(ctx, { app: '/postgres', waiting: true }), { globals: { json: true, output: 'json' } });
    const rows = JSON.parse(r.stdout) as { task: string; taskState: string; hostPath: string | null }[];
    expect(rows.map((d) => [d.task, d.taskState])).toEqual([[WAITING, 'waiting'], [LOST, 'agent-lost']]);
    expect(rows.every((d) => d.hostPath?.startsWith('/var/lib/mesos/slave/volumes/roles/'))).toBe(true);
  });

  it('--disk-usage with an agent out of reach: the others measured, a warning, exit 5', async () => {
    const r = await runOnMock(freshMock(), (ctx) => run(ctx, { app: '/postgres', waiting: true, diskUsage: true }), { globals: { quiet: true } });
    expect(r.exitCode).toBe(ExitCode.PARTIAL);
    expect(r.stdout).toBe(`${WAITING}\n${LOST}\n`);
    expect(r.stderr).toMatch(new RegExp(`${LOST.replaceAll('.', '\\.')} pgdata: size on disk unknown: .*cannot connect over SSH`));
  });

  it('an app that does not exist: exit 3 and one line on stderr', async () => {
    const r = await runOnMock(freshMock(), (ctx) => run(ctx, { app: '/nosuch' }));
    expect(r).toEqual({ exitCode: ExitCode.NOT_FOUND, stdout: '', stderr: "Error: no such app/task: App '/nosuch' does not exist\n" });
  });
});
