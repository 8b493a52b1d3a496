import { describe, expect, it } from 'vitest';
import { newCmdWipe, run } from '../../../../src/commands/wipe/wipe.js';
import { ExitCode } from '../../../../src/core/errors.js';
import { parseCommand } from '../../../helpers/command.js';
import { defaultMockDirs } from '../../../helpers/mock-dirs.js';
import { runOnMock } from '../../../helpers/mock-command.js';

const freshMock = defaultMockDirs();
const WAITING = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';
const RUNNING = 'postgres.instance-4f2a1c11-fd96-11e5-8e70-76a1c19f8c3d._app.2';
const HOST_PATH = '/var/lib/mesos/slave/volumes/roles/slave_public/postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d';

describe('wipe: flags', () => {
  it('passes the task ids and its options to run', async () => {
    const p = await parseCommand(newCmdWipe, ['--dry-run', '-y', '--backup-dir', 'b', '--fail-fast', WAITING, RUNNING]);
    expect(p.exitCode).toBe(ExitCode.OK);
    expect(p.args).toEqual([[WAITING, RUNNING], expect.objectContaining({ dryRun: true, yes: true, backupDir: 'b', failFast: true })]);
  });

  it('an unknown option is a usage error (2), run never called', async () => {
    const p = await parseCommand(newCmdWipe, ['--all', WAITING]);
    expect(p).toMatchObject({ args: undefined, exitCode: ExitCode.USAGE, stderr: expect.stringContaining("unknown option '--all'") });
  });
});

describe('wipe: what run refuses before touching the cluster', () => {
  it.each([
    [[WAITING], { app: '/postgres', allWaiting: true }, 'Error: give task ids, or --app with --all-waiting, not both\n'],
    [[], { app: '/postgres' }, 'Error: name the tasks to wipe, or use --app <id> --all-waiting\nSee `stateful-ops tasks list` for waiting tasks.\n'],
    [['not-a-task'], {}, "Error: 'not-a-task' is not a Marathon task id\n"],
  ])('%j %j: exit 2', async (ids, options, stderr) => {
    // No mock directory: the usage error comes first, no cluster is opened.
    const r = await runOnMock('/nonexistent', (ctx) => run(ctx, ids, options));
    expect(r).toEqual({ exitCode: ExitCode.USAGE, stdout: '', stderr });
  });
});

describe('wipe against the mock, in process', () => {
  it('--dry-run prints the plan and changes nothing', async () => {
    const dir = freshMock();
    const r = await runOnMock(dir, (ctx) => run(ctx, [WAITING], { dryRun: true }));
    expect(r.exitCode).toBe(ExitCode.OK);
    expect(r.stdout).toMatch(new RegExp(`^Plan: 1 task to wipe\nTOTAL   1 volume, 32\\.5 KiB in 9 entries to delete\n\nTASK    ${WAITING.replaceAll('.', '\\.')}\n`));
    expect(r.stdout).toContain(`DELETE  contents of ${HOST_PATH} — 32.5 KiB, 9 entries\n`);
    const again = await runOnMock(dir, (ctx) => run(ctx, [WAITING], { dryRun: true }));
    // The same plan (the embedded mock listens on a new port each run).
    const port = (text: string) => text.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
    expect(port(again.stdout)).toBe(port(r.stdout));
  });

  it('--dry-run --json: the plan document', async () => {
    const r = await runOnMock(freshMock(), (ctx) => run(ctx, [WAITING], { dryRun: true }), { globals: { json: true, output: 'json' } });
    const plan = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(plan)).toEqual(['dryRun', 'marathonUrl', 'skipData', 'tasks', 'refused', 'alreadyExpunged', 'vanished', 'journal', 'journalProblems']);
    expect(plan).toMatchObject({ dryRun: true, skipData: false, refused: [], tasks: [{ task: WAITING, app: '/postgres' }] });
  });

  it('a running task is refused: exit 4, its reason in the plan', async () => {
    const r = await runOnMock(freshMock(), (ctx) => run(ctx, [RUNNING], { dryRun: true }));
    expect(r.exitCode).toBe(ExitCode.REFUSED);
    expect(r.stdout).toMatch(/^Plan: 0 tasks to wipe\n/);
    expect(r.stdout).toContain(RUNNING);
  });

  it('the ids from stdin (-), --yes: wiped, the results table and the summary line; a re-run has nothing left to do', async () => {
    const dir = freshMock();
    const r = await runOnMock(dir, (ctx) => run(ctx, ['-'], { yes: true }), { io: { stdin: `${WAITING}\n` } });
    expect(r.exitCode, r.stderr).toBe(ExitCode.OK);
    expect(r.stdout).toMatch(new RegExp(`\nTASK +AGENT +DELETED +BACKUP +OUTCOME\n${WAITING.replaceAll('.', '\\.')} +127\\.0\\.0\\.168 +32\\.5 KiB +- +wiped\n$`));
    expect(r.stderr).toMatch(/^1 wiped, 32\.5 KiB freed, 0 refused, 0 failed, journal .+\n$/m);
    const again = await runOnMock(dir, (ctx) => run(ctx, [WAITING], { yes: true }));
    expect(again.exitCode).toBe(ExitCode.OK);
    expect(again.stdout).toContain(`DONE    ${WAITING}: expunged by an earlier run`);
  });
});
