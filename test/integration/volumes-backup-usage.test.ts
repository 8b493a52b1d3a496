import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { mockArgs, mockCli, runCli, tempDir } from '../helpers/cli.js';

const TASK = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';

/** Mistakes on the command line of the backup commands: one line, exit 2 or 3, nothing contacted. */
describe('volumes backup / restore / backups: usage', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(async () => expect((await runCli([...mockArgs(dir), 'mock', 'reset'])).code).toBe(0));
  afterAll(cleanup);
  const cli = mockCli(() => dir);

  it.each([
    ['backup without tasks', ['volumes', 'backup', '--to', dir], /^Error: name the tasks to back up, or use --app <id> --all-waiting$/m],
    ['backup with tasks and --app', ['volumes', 'backup', '--to', dir, '--app', '/postgres', '--all-waiting', TASK], /^Error: give task ids, or --app with --all-waiting, not both$/m],
    ['backup of a malformed id', ['volumes', 'backup', '--to', dir, 'not a task'], /^Error: 'not a task' is not a Marathon task id$/m],
    ['backup without --to', ['volumes', 'backup', TASK], /required option '--to <dir>' not specified/],
    ['restore --backup-dir without --replace', ['volumes', 'restore', '--backup-dir', dir, `${dir}/x.tar`, TASK], /^Error: --backup-dir goes with --replace$/m],
    ['restore into a malformed id', ['volumes', 'restore', `${dir}/x.tar`, 'nope'], /^Error: 'nope' is not a Marathon task id$/m],
  ])('%s → exit 2', async (_what, args, message) => {
    const r = await cli(args);
    expect(r.code, r.stderr).toBe(ExitCode.USAGE);
    expect(r.stderr).toMatch(message);
  });

  it('an unknown task is not found (3); a missing directory of backups too', async () => {
    const unknown = await cli(['volumes', 'backup', '--to', dir, 'postgres.instance-00000000-0000-0000-0000-000000000000._app.1']);
    expect(unknown.code).toBe(ExitCode.NOT_FOUND);
    expect((await cli(['volumes', 'backups', `${dir}/none`])).code).toBe(ExitCode.NOT_FOUND);
    const empty = await cli(['volumes', 'backups', dir]);
    expect(empty.code).toBe(ExitCode.OK);
  });
});
