import { describe, expect, it } from 'vitest';
import { newCmdAgentRecoveryConfig, run, type RecoveryConfigOptions } from '../../../../src/commands/agent/recovery-config.js';
import { ExitCode } from '../../../../src/core/errors.js';
import { parseCommand } from '../../../helpers/command.js';
import { defaultMockDirs } from '../../../helpers/mock-dirs.js';
import { runOnMock } from '../../../helpers/mock-command.js';

const freshMock = defaultMockDirs();
const S = (n: number) => `d935ca7e-e29d-4503-94e7-25fe9f16847c-S${n}`;
const options = (o: Partial<RecoveryConfigOptions> = {}): RecoveryConfigOptions => ({ failOn: 'error', ...o });

describe('agent recovery-config: flags', () => {
  it('--agent repeats, --fail-on defaults to error, --file takes several paths', async () => {
    const p = await parseCommand(newCmdAgentRecoveryConfig, ['--agent', 'a', '--agent', 'b', '--origins', '--file', 'x', 'y']);
    expect(p.exitCode).toBe(ExitCode.OK);
    expect(p.args).toEqual([expect.objectContaining({ agent: ['a', 'b'], origins: true, file: ['x', 'y'], failOn: 'error' })]);
  });

  it('--fail-on outside its choices is a usage error (2)', async () => {
    const p = await parseCommand(newCmdAgentRecoveryConfig, ['--fail-on', 'info']);
    expect(p).toMatchObject({ args: undefined, exitCode: ExitCode.USAGE, stderr: expect.stringContaining("argument 'info' is invalid. Allowed choices are warning, error.") });
  });
});

describe('agent recovery-config: what run refuses', () => {
  it.each([
    [{ dryRun: true }, 'Error: --dry-run goes with --fix\n'],
    [{ restartTimeout: '5mins' }, 'Error: --restart-timeout goes with --fix\n'],
    [{ fix: true, file: ['x'] }, 'Error: --fix edits agents over SSH; it cannot be combined with --file\n'],
    [{ file: ['x'], agent: ['a'] }, 'Error: --file checks local copies; it cannot be combined with --agent\n'],
  ])('%j: exit 2, before reaching any agent', async (given, stderr) => {
    const r = await runOnMock('/nonexistent', (ctx) => run(ctx, options(given)));
    expect(r).toEqual({ exitCode: ExitCode.USAGE, stdout: '', stderr });
  });
});

describe('agent recovery-config against the mock, in process', () => {
  it('an agent with recover=cleanup fails the check: exit 8, its row and finding', async () => {
    const r = await runOnMock(freshMock(), (ctx) => run(ctx, options({ agent: ['127.0.0.167', '127.0.0.168'] })));
    expect(r.exitCode).toBe(ExitCode.CHECK_FAILED);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^AGENT +HOST +STRICT +RECOVER +RECOVERY_TIMEOUT +POLICY +KILLMODE +DRIFT +VERDICT$/);
    expect(lines[1]).toMatch(new RegExp(`^${S(0)} +127\\.0\\.0\\.167 +true +reconnect +24hrs +additive +control-group +- +ok$`));
    expect(lines[2]).toMatch(new RegExp(`^${S(1)} +127\\.0\\.0\\.168 +false +cleanup +4weeks +additive +control-group +- +error$`));
    expect(r.stdout).toMatch(new RegExp(`^error +recover-cleanup +${S(1)} \\(127\\.0\\.0\\.168\\) +/etc/mesosphere/mesos/agent\\.env:3$`, 'm'));
    expect(r.stdout.endsWith('\n2 agents: 1 ok, 0 warning, 1 error, 0 unreachable\n')).toBe(true);
    expect(r.stderr).toBe('');
  });

  it('--json: the report; a healthy agent alone passes (exit 0)', async () => {
    const r = await runOnMock(freshMock(), (ctx) => run(ctx, options({ agent: ['127.0.0.167'] })), { globals: { json: true, output: 'json' } });
    expect(r.exitCode).toBe(ExitCode.OK);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['agents', 'cluster', 'summary']);
    expect(report).toMatchObject({ agents: [{ agent: S(0), host: '127.0.0.167', verdict: 'ok' }], summary: { failed: false } });
  });

  it('--agent naming no agent: exit 3', async () => {
    const r = await runOnMock(freshMock(), (ctx) => run(ctx, options({ agent: ['127.0.0.99'] })));
    expect(r.exitCode).toBe(ExitCode.NOT_FOUND);
    expect(r.stdout).toBe('');
  });
});
