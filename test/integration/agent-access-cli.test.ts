import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { mockArgs, runCli, tempDir } from '../helpers/cli.js';
import { changedPaths, snapshot } from '../helpers/sandbox.js';

const WAITING = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';
const RUNNING = 'postgres.instance-4f2a1c11-fd96-11e5-8e70-76a1c19f8c3d._app.2';
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('agent-access-cli: the permission-model cases are skipped (the mock enforces it only as root)');

describe('agent access against the mock: sudo, the permission model, the master proxy', () => {
  let dir: string;
  let cleanup: () => void;
  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCli([...mockArgs(dir), ...args], { env: { STATEFUL_OPS_SSH_SUDO: undefined, ...env } });

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    expect((await runCli(['--mock-dir', dir, 'mock', 'reset'])).code).toBe(0);
  });
  afterEach(() => cleanup());

  it.skipIf(!isRoot)('as root the mock says no like an agent: wipe without --sudo is refused at preflight, with it it works', async () => {
    const before = snapshot(join(dir, 'agents'));
    const refused = await cli(['wipe', '--yes', WAITING]);
    expect(refused.code, refused.stderr).toBe(ExitCode.REFUSED);
    expect(refused.stdout).toContain('volume pgdata: 1 entry owned by uid 999 is not deletable as centos: use --sudo');
    expect(changedPaths(before, snapshot(join(dir, 'agents')))).toEqual([]);
    const wiped = await cli(['wipe', '--yes', '--sudo', WAITING]);
    expect(wiped.code, wiped.stderr).toBe(ExitCode.OK);
    expect(wiped.stdout).toMatch(/wiped$/m);
  });

  it('-v says whether the permission model is on', async () => {
    const r = await cli(['-v', 'tasks', 'show', '--disk-usage', '--sudo', RUNNING]);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    expect(r.stderr).toMatch(isRoot ? /permission model on: commands run as centos/ : /permission model off \(not running as root\)/);
  });

  it('a sudo that asks for a password stops the run before anything is touched: one line, exit 6', async () => {
    const before = snapshot(join(dir, 'agents'));
    const r = await cli(['wipe', '--yes', '--sudo', WAITING], { STATEFUL_OPS_MOCK_SSH_FAULTS: '*:sudo=password' });
    expect(r.code, r.stdout).toBe(ExitCode.AUTH);
    expect(r.stderr).toMatch(/^Error: agent d935ca7e-e29d-4503-94e7-25fe9f16847c-S1 \(127\.0\.0\.168\): sudo needs a password for the SSH user; stateful-ops never types one$/m);
    expect(r.stderr).toMatch(/passwordless sudo/);
    expect(changedPaths(before, snapshot(join(dir, 'agents')))).toEqual([]);
  });

  it('--master-proxy jumps through the leading master found from /metadata', async () => {
    const r = await cli(['-v', 'tasks', 'show', '--disk-usage', '--sudo', '--master-proxy', RUNNING]);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    expect(r.stderr).toContain("--master-proxy: the leading master's public IP is 127.0.0.1 (from /metadata)");
    expect(r.stdout).toMatch(/ON DISK\s+\d+ bytes/);
    // With the master's SSH down, the same command cannot reach the agent: it really went through it.
    const down = await cli(['tasks', 'show', '--disk-usage', '--sudo', '--master-proxy', RUNNING], { STATEFUL_OPS_MOCK_SSH_FAULTS: 'master-1:connection=refused' });
    expect(down.stdout).toMatch(/size on disk unknown: .*cannot connect over SSH/);
    const both = await cli(['tasks', 'show', '--disk-usage', '--master-proxy', '--ssh-proxy', 'bastion', RUNNING]);
    expect(both.code).toBe(ExitCode.USAGE);
    expect(both.stderr).toContain('--ssh-proxy and --master-proxy name two different jump hosts: give one');
  });
});
