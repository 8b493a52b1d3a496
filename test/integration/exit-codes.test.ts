import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { mockArgs, runCli, tempDir } from '../helpers/cli.js';

/**
 * The exit-code contract (README "Exit codes"), one table: each SSH-reading command under each failure of
 * every agent, and a filter naming nothing. The code a script branches on, one error or warning per agent.
 */
describe('exit codes by command and failure', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(async () => expect((await runCli([...mockArgs(dir), 'mock', 'reset'])).code).toBe(0));
  afterAll(cleanup);

  const TASK = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';
  const sshCommands: string[][] = [
    ['agent', 'recovery-config'],
    ['tasks', 'show', TASK, '--disk-usage'],
    ['volumes', 'list', '--disk-usage'],
  ];
  const faults: [string, number][] = [
    ['*:deny-auth', ExitCode.AUTH],
    ['*:wrong-host-key', ExitCode.AUTH],
    ['*:connection=refused', ExitCode.UNREACHABLE],
  ];
  for (const command of sshCommands) {
    for (const [fault, code] of faults) {
      it(`${command.join(' ')} with ${fault} on every agent → exit ${code}`, async () => {
        const r = await runCli([...mockArgs(dir), ...command], { env: { STATEFUL_OPS_MOCK_SSH_FAULTS: fault } });
        expect(r.code, r.stderr).toBe(code);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      });
    }
  }

  const notFound: string[][] = [
    ['tasks', 'list', '--agent', 'nosuch'],
    ['agent', 'recovery-config', '--agent', 'nosuch'],
    ['agent', 'recovery-config', '--agent', 'd935ca7e-e29d-4503-94e7-25fe9f16847c-S99'],
    ['volumes', 'list', '--app', '/nosuch'],
  ];
  for (const command of notFound) {
    it(`${command.join(' ')} → exit 3, one error line`, async () => {
      const r = await runCli([...mockArgs(dir), ...command]);
      expect(r.code, r.stderr).toBe(ExitCode.NOT_FOUND);
      expect(r.stderr.match(/^Error: /gm)).toHaveLength(1);
    });
  }
});
