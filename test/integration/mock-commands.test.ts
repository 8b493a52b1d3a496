import { statSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { runCli, tempDir } from '../helpers/cli.js';

describe('mock reset and mock status', () => {
  const { dir, cleanup } = tempDir('stateful-ops-mock-cli-');
  afterAll(cleanup);

  it('reset prints a one-line summary on stderr and nothing on stdout; --json prints the summary', async () => {
    const plain = await runCli(['--mock-dir', dir, 'mock', 'reset', '--marathon-version', '1.4']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe('');
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    expect(plain.stderr).toMatch(/^mock cluster: Marathon 1\.4\.13, 4 apps, 4 running \/ 2 waiting \/ 1 on lost agents, 5 active agents \+ 1 lost/);

    const json = await runCli(['--mock-dir', dir, '--json', 'mock', 'reset', '--require-auth']);
    expect(json.code, json.stderr).toBe(0);
    const summary = JSON.parse(json.stdout) as { stateDir: string; authRequired: boolean; serviceAccount: { uid: string; keyPath: string } };
    expect(summary).toMatchObject({ stateDir: dir, authRequired: true, flavour: '1.10', serviceAccount: { uid: 'stateful-ops-ci' } });
    expect(statSync(summary.serviceAccount.keyPath).mode & 0o777).toBe(0o600);
    expect(json.stdout).not.toContain('PRIVATE KEY');
  });

  it('status shows a table, or JSON with --json', async () => {
    expect((await runCli(['--mock-dir', dir, 'mock', 'reset'])).code).toBe(0);
    const table = await runCli(['--mock-dir', dir, 'mock', 'status']);
    expect(table.code, table.stderr).toBe(0);
    const [header, row] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^MARATHON +APPS +RUNNING +WAITING +ON LOST AGENTS +AGENTS +LOST AGENTS +LEADER +AUTH +STATE DIR$/);
    expect(row).toMatch(/^1\.10\.26 +4 +4 +2 +1 +5 +1 +yes +off +\/\S+$/);
    const json = JSON.parse((await runCli(['--mock-dir', dir, '--json', 'mock', 'status'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ stateDir: dir, tasks: { running: 4, waiting: 2, onLostAgents: 1 }, agents: { active: 5, lost: 1 } });
  });

  it('status without a mock cluster is "not found" with a hint', async () => {
    const empty = tempDir();
    try {
      const r = await runCli(['--mock-dir', empty.dir, 'mock', 'status']);
      expect(r.code).toBe(ExitCode.NOT_FOUND);
      expect(r.stderr).toMatch(/no mock cluster in .*\n.*mock reset/);
    } finally {
      empty.cleanup();
    }
  });

  it('refuses bad generator options as usage errors', async () => {
    for (const args of [
      ['--apps', '0'],
      ['--apps', '10', '--waiting-ratio', '1.5'],
      ['--scenario', 'default', '--apps', '3'],
      ['--scenario', 'generated'],
      ['--marathon-version', '1.7'],
      ['--apps', '3', '--agents', '2', '--lost-agents', '2'],
    ]) {
      const r = await runCli(['--mock-dir', dir, 'mock', 'reset', ...args]);
      expect(r.code, args.join(' ')).toBe(ExitCode.USAGE);
    }
  });

  it('--mock seeds the default scenario on first use and hands the CLI a token when auth is required', async () => {
    const fresh = tempDir();
    try {
      const first = await runCli(['--mock', '--mock-dir', fresh.dir, '--json', 'tasks', 'list']);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/seeded the default scenario/);
      expect((await runCli(['--mock-dir', fresh.dir, 'mock', 'reset', '--require-auth'])).code).toBe(0);
      const authed = await runCli(['--mock', '--mock-dir', fresh.dir, '--json', 'tasks', 'list']);
      expect(authed.code, authed.stderr).toBe(0);
      expect(JSON.parse(authed.stdout)).toEqual(JSON.parse(first.stdout));
    } finally {
      fresh.cleanup();
    }
  });

  it('an invalid STATEFUL_OPS_MOCK_FAULTS is a usage error naming the variable', async () => {
    const r = await runCli(['--mock', '--mock-dir', dir, 'tasks', 'list'], { env: { STATEFUL_OPS_MOCK_FAULTS: 'marathon:bogus=1' } });
    expect(r.code).toBe(ExitCode.USAGE);
    expect(r.stderr).toMatch(/STATEFUL_OPS_MOCK_FAULTS: unknown fault key 'bogus'/);
  });
});
