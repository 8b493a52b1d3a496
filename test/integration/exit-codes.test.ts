import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { mockArgs, runCli, tempDir } from '../helpers/cli.js';
import { runCliOnTty, ttyAvailable, TTY_SKIP_REASON } from '../helpers/tty.js';
import { S } from '../helpers/mock-dirs.js';

/**
 * The exit-code contract (README "Exit codes"), one table: every command under each failure class that
 * applies to it — every agent denying auth / refusing the connection / showing a wrong host key, an app,
 * group or agent that does not exist, a filter that exists and matches nothing, a bad flag — and a
 * confirmation prompt interrupted or declined on a real terminal. Nothing in the table changes the mock:
 * the destructive runs stop before acting (every agent failed, or nothing to do).
 */
const TASK = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';
const NO_TASK = 'postgres.instance-00000000-fd96-11e5-8e70-76a1c19f8c3d._app.1';
/** Where `volumes backup` would write: nothing is written when every agent fails or the task is unknown. */
const BACKUPS = join(tmpdir(), 'so-exit-codes-backups');

/** Every command that works on agents over SSH, with what it needs to reach them. */
const sshCommands: string[][] = [
  ['agent', 'recovery-config'],
  ['agent', 'recovery-config', '--agent', '127.0.0.168'],
  ['agent', 'recovery-config', '--fix', '--dry-run'],
  ['agent', 'restart-check', '127.0.0.167'],
  ['volumes', 'backup', TASK, '--to', BACKUPS],
  ['tasks', 'show', TASK, '--disk-usage'],
  ['volumes', 'list', '--disk-usage'],
  ['volumes', 'orphans'],
  ['volumes', 'orphans', '--purge', '--dry-run'],
  ['volumes', 'orphans', '--purge', '--yes'],
  ['wipe', '--app', '/postgres', '--all-waiting', '--dry-run'],
  ['wipe', '--app', '/postgres', '--all-waiting', '--yes'],
  ['wipe', TASK, '--dry-run'],
];
const faults: [string, number][] = [
  ['*:deny-auth', ExitCode.AUTH],
  ['*:wrong-host-key', ExitCode.AUTH],
  ['*:connection=refused', ExitCode.UNREACHABLE],
];

const notFound: string[][] = [
  ['tasks', 'list', '--app', '/nosuch'],
  ['tasks', 'list', '--app', '/nosuch/'],
  ['tasks', 'list', '--app', '/db'], // a group, given as an app: the hint says /db/
  ['tasks', 'list', '--agent', 'nosuch'],
  ['tasks', 'show', NO_TASK],
  ['volumes', 'list', '--app', '/nosuch'],
  ['volumes', 'list', '--app', '/nosuch/'],
  ['volumes', 'list', '--agent', 'nosuch'],
  ['wipe', '--app', '/nosuch', '--all-waiting', '--dry-run'],
  ['wipe', NO_TASK, '--dry-run'],
  ['agent', 'recovery-config', '--agent', 'nosuch'],
  ['agent', 'recovery-config', '--agent', S(99)],
  ['agent', 'restart-check', 'nosuch'],
  ['agent', 'restart-check', S(99)],
  ['agent', 'maintenance', 'schedule', 'nosuch', '--start', '2030-01-01T00:00:00Z', '--duration', '1h'],
  ['agent', 'maintenance', 'down', 'nosuch', '--dry-run'],
  ['agent', 'maintenance', 'up', 'nosuch'],
  ['apps', 'check', '/nosuch'],
  ['volumes', 'backup', NO_TASK, '--to', BACKUPS],
  ['volumes', 'backup', '--app', '/nosuch', '--all-waiting', '--to', BACKUPS],
  ['volumes', 'backups', join(BACKUPS, 'nosuch')],
];

/** Filters naming what exists, matching nothing: an empty answer. */
const matchesNothing: string[][] = [
  ['tasks', 'list', '--app', '/web/nginx'], // an app without persistent volumes
  ['tasks', 'list', '--app', '/web/'],
  ['tasks', 'list', '--agent', '127.0.0.172'], // S5: runs no stateful task
  ['volumes', 'list', '--agent', '127.0.0.172'],
  ['volumes', 'list', '--app', '/web/'],
  ['volumes', 'list', '--app', '/web/nginx'],
  ['wipe', '--app', '/web/nginx', '--all-waiting', '--dry-run'],
  ['agent', 'restart-check', '127.0.0.170'], // S3: nothing running
];

/** Every command, for the bad-flag row. */
const everyCommand: string[][] = [
  ['tasks', 'list'],
  ['tasks', 'show', TASK],
  ['volumes', 'list'],
  ['volumes', 'orphans'],
  ['wipe', TASK],
  ['agent', 'recovery-config'],
  ['agent', 'restart-check', '127.0.0.167'],
  ['agent', 'maintenance', 'schedule', '127.0.0.167'],
  ['agent', 'maintenance', 'status'],
  ['agent', 'maintenance', 'down', '127.0.0.167'],
  ['agent', 'maintenance', 'up', '127.0.0.167'],
  ['apps', 'check', 'fixtures/apps/postgres.json'],
  ['agent', 'recovery-config', '--fix'],
  ['volumes', 'backup', TASK, '--to', BACKUPS],
  ['volumes', 'restore', join(BACKUPS, 'x.tar'), TASK],
  ['volumes', 'backups', BACKUPS],
  ['completion', 'bash'],
  ['mock', 'reset'],
  ['mock', 'status'],
  ['mock', 'serve'],
];

describe('exit codes by command and failure', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(async () => expect((await runCli([...mockArgs(dir), 'mock', 'reset'])).code).toBe(0));
  afterAll(() => {
    cleanup();
    rmSync(BACKUPS, { recursive: true, force: true });
  });

  for (const command of sshCommands) {
    for (const [fault, code] of faults) {
      it(`${command.join(' ')} with ${fault} on every agent → exit ${code}`, async () => {
        const r = await runCli([...mockArgs(dir), ...command], { env: { STATEFUL_OPS_MOCK_SSH_FAULTS: fault } });
        expect(r.code, r.stderr).toBe(code);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      });
    }
  }

  it('one agent failing while the others answer is partial (5), not the failure\'s code', async () => {
    const r = await runCli([...mockArgs(dir), 'volumes', 'orphans'], { env: { STATEFUL_OPS_MOCK_SSH_FAULTS: `${S(5)}:deny-auth` } });
    expect(r.code, r.stderr).toBe(ExitCode.PARTIAL);
  });

  for (const command of notFound) {
    it(`${command.join(' ')} → exit 3, one error line`, async () => {
      const r = await runCli([...mockArgs(dir), ...command]);
      expect(r.code, r.stderr).toBe(ExitCode.NOT_FOUND);
      expect(r.stderr.match(/^Error: /gm)).toHaveLength(1);
    });
  }

  for (const command of matchesNothing) {
    it(`${command.join(' ')} (exists, matches nothing) → exit 0`, async () => {
      const r = await runCli([...mockArgs(dir), ...command]);
      expect(r.code, r.stderr).toBe(ExitCode.OK);
      expect(r.stderr).not.toMatch(/^Error: /m);
    });
  }

  for (const command of everyCommand) {
    it(`${command.join(' ')} --no-such-flag → exit 2`, async () => {
      const r = await runCli([...mockArgs(dir), ...command, '--no-such-flag']);
      expect(r.code, r.stderr).toBe(ExitCode.USAGE);
      expect(r.stderr.trim()).toBe("Error: unknown option '--no-such-flag'");
    });
  }
});

describe.skipIf(!ttyAvailable)('the confirmation prompt on a real terminal', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(async () => expect((await runCli([...mockArgs(dir), 'mock', 'reset'])).code).toBe(0));
  afterAll(cleanup);
  const env = { HOME: dir };
  const prompts: [string, string[], string][] = [
    // Only the start of the question: the prompt wraps it at the terminal's width.
    ['wipe', ['wipe', '--app', '/postgres', '--all-waiting'], 'Type /postgres to'],
    ['volumes orphans --purge', ['volumes', 'orphans', '--purge'], 'Type 1 to'],
  ];

  for (const [name, command, prompt] of prompts) {
    it(`${name}: Ctrl-C at the prompt → 130, nothing deleted`, async () => {
      const r = await runCliOnTty([...mockArgs(dir), ...command], prompt, '\x03', env);
      expect(r.code, r.screen).toBe(ExitCode.INTERRUPTED);
      expect(r.screen).toContain('interrupted at the confirmation prompt; nothing was deleted');
    }, 90_000);

    it(`${name}: another answer is declined → 10, nothing deleted`, async () => {
      const r = await runCliOnTty([...mockArgs(dir), ...command], prompt, 'no\r', env);
      expect(r.code, r.screen).toBe(ExitCode.DECLINED);
      expect(r.screen).toContain('nothing was deleted');
    }, 90_000);
  }

  it('nothing was deleted: the waiting task and the orphan are still listed', async () => {
    const tasks = await runCli([...mockArgs(dir), '--json', 'tasks', 'list', '--app', '/postgres']);
    expect((JSON.parse(tasks.stdout) as { task: string }[]).map((t) => t.task)).toContain(TASK);
    const orphans = await runCli([...mockArgs(dir), '--json', 'volumes', 'orphans']);
    expect((JSON.parse(orphans.stdout) as { data: unknown[] }).data).toHaveLength(1);
  });
});

if (!ttyAvailable) describe('the confirmation prompt on a real terminal', () => it.skip(TTY_SKIP_REASON, () => undefined));
