import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mockArgs, runCli } from '../helpers/cli.js';
import { defaultMockDirs, S, spawnMockCli } from '../helpers/mock-dirs.js';
import { ExitCode } from '../../src/core/errors.js';
import type { RecoveryReport } from '../../src/domain/recovery/report.js';
import { FIXABLE_RULES } from '../../src/domain/recovery/fix-plan.js';
import { agentRoot } from '../../src/mock/paths.js';
import { readStateFile, writeStateFile } from '../../src/mock/store.js';
import type { FixReport } from '../../src/commands/agent/recovery-config-fix.js';

type PlannedEdit = { path: string; changes: { line: number; to: string }[] };

const OPERATOR = '/var/lib/dcos/mesos-slave-common';
const AGENT_ENV = '/etc/mesosphere/mesos/agent.env';

const newMockDir = defaultMockDirs();

/** A fresh default mock per test, with its CLI runs and its agents' files. */
function freshMock() {
  const dir = newMockDir();
  const cli = (args: string[], env?: Record<string, string>) => runCli([...mockArgs(dir), 'agent', 'recovery-config', ...args], { ...(env ? { env } : {}), timeoutMs: 120_000 });
  const fix = async (args: string[], env?: Record<string, string>) => {
    const r = await cli(['--json', '--fix', ...args], env);
    return { ...r, report: JSON.parse(r.stdout) as FixReport };
  };
  const check = async () => {
    const r = await cli(['--json']);
    return JSON.parse(r.stdout) as RecoveryReport;
  };
  const file = (agent: number, path: string) => join(agentRoot(dir, S(agent)), path);
  const sha = (agent: number, path: string) => createHash('sha256').update(readFileSync(file(agent, path))).digest('hex');
  const agentState = (n: number) => readStateFile(dir)?.agents.find((a) => a.id === S(n));
  return { dir, cli, fix, check, file, sha, agentState };
}

const fixable = (r: RecoveryReport) =>
  Object.fromEntries(r.agents.map((a) => [a.agent, a.findings.filter((f) => FIXABLE_RULES.has(f.rule)).map((f) => `${f.rule}@${f.location}`).sort()]));

describe.concurrent('agent recovery-config --fix against the mock over real SSH', { timeout: 180_000 }, () => {
  it('--dry-run plans exactly the edits that clear each agent\'s findings, in the file that wins, and changes nothing', async () => {
    const m = freshMock();
    const before = [m.sha(1, AGENT_ENV), m.sha(5, OPERATOR)];
    const { code, report, stderr } = await m.fix(['--dry-run']);
    expect(code, stderr).toBe(ExitCode.REFUSED); // S4's value comes from an ExecStart= flag
    const plans = Object.fromEntries(report.agents.map((a) => [a.agent, a.plan]));
    expect(plans[S(0)]).toMatchObject({ edits: [], refused: [] });
    expect(plans[S(3)]).toMatchObject({ edits: [], refused: [] });
    expect(plans[S(1)]?.edits.map((e: PlannedEdit) => [e.path, e.changes.map((c) => `${c.line}:${c.to}`)])).toEqual([
      [AGENT_ENV, ['3:MESOS_RECOVER=reconnect', '4:MESOS_STRICT=true', '5:MESOS_RECOVERY_TIMEOUT=24hrs']],
    ]);
    expect(plans[S(5)]?.edits.map((e: PlannedEdit) => [e.path, e.changes.map((c) => `${c.line}:${c.to}`)])).toEqual([
      [OPERATOR, ['3:# raised for the storage migration\nMESOS_RECOVERY_TIMEOUT=2days', '4:MESOS_EXECUTOR_REREGISTRATION_TIMEOUT=15secs']],
    ]);
    expect(plans[S(4)]?.edits).toEqual([]);
    expect(plans[S(4)]?.refused).toEqual([{ setting: 'recovery_timeout', reason: expect.stringContaining('on ExecStart= (/etc/systemd/system/dcos-mesos-slave-public.service.d/recovery.conf:7) beats every EnvironmentFile') }]);
    // Every fixable finding is addressed by the plan of its agent, except the refused one.
    for (const a of report.agents) {
      const addressed = (a.plan?.addressed ?? []).map((f) => `${f.rule}@${f.location}`).sort();
      const wanted = a.findings.filter((f) => FIXABLE_RULES.has(f.rule) && !(a.agent === S(4) && f.setting === 'recovery_timeout')).map((f) => `${f.rule}@${f.location}`).sort();
      expect(addressed, a.agent ?? '').toEqual(wanted);
    }
    expect([m.sha(1, AGENT_ENV), m.sha(5, OPERATOR)]).toEqual(before);
    // The text form shows each edit as a unified diff.
    const text = await m.cli(['--fix', '--dry-run', '--agent', S(1)]);
    expect(text.stdout).toContain(`    --- ${AGENT_ENV}\n    +++ ${AGENT_ENV}\n    @@ -1,5 +1,5 @@\n`);
    expect(text.stdout).toContain('    -MESOS_RECOVER=cleanup\n    -MESOS_STRICT=false\n    -MESOS_RECOVERY_TIMEOUT=4weeks\n    +MESOS_RECOVER=reconnect\n');
    expect(text.code).toBe(ExitCode.OK);
  });

  it('--yes writes them (owner and mode kept, originals backed up); the check then finds nothing the fix addresses, and --restart clears the drift', async () => {
    const m = freshMock();
    const original = readFileSync(m.file(1, AGENT_ENV), 'utf8');
    const mode = statSync(m.file(1, AGENT_ENV)).mode;
    const uid = statSync(m.file(1, AGENT_ENV)).uid;
    const { code, report, stderr } = await m.fix(['--yes']);
    expect(code, stderr).toBe(ExitCode.REFUSED);
    const s1 = report.agents.find((a) => a.agent === S(1));
    expect(s1?.result).toMatchObject({ outcome: 'fixed', verified: { strict: 'true', recover: 'reconnect', recovery_timeout: '24hrs' } });
    expect(readFileSync(s1?.result?.written[0]?.backup as string, 'utf8')).toBe(original);
    expect(statSync(m.file(1, AGENT_ENV)).mode).toBe(mode);
    expect(statSync(m.file(1, AGENT_ENV)).uid).toBe(uid);

    const after = await m.check();
    expect(fixable(after)).toEqual({ [S(0)]: [], [S(1)]: [], [S(3)]: [], [S(4)]: [expect.stringMatching(/^recovery-timeout-short@/)], [S(5)]: [] });
    // Written, not yet applied: the running agents still use the old values.
    expect(after.agents.find((a) => a.agent === S(1))?.drift).toEqual(['strict', 'recover', 'recovery_timeout']);

    const rolled = await m.fix(['--yes', '--restart']);
    expect(rolled.code, rolled.stderr).toBe(ExitCode.REFUSED);
    expect(rolled.report.roll?.agents.map((a) => [a.agent, a.outcome])).toEqual([
      [S(1), 'restarted'],
      [S(5), 'restarted'],
    ]);
    const done = await m.check();
    expect(done.agents.map((a) => [a.agent, a.drift])).toEqual([S(0), S(1), S(3), S(4), S(5)].map((id) => [id, []]));
    expect(done.agents.find((a) => a.agent === S(1))?.settings?.recover.live).toBe('reconnect');
    // The metronome task on S1 reconnected: same task, still there.
    expect(readStateFile(m.dir)?.otherFrameworks?.find((f) => f.name === 'metronome')?.tasks.filter((t) => t.agentId === S(1))).toHaveLength(1);
  });

  it('never restarts an agent whose tasks would die; the others are restarted', async () => {
    const m = freshMock();
    const { code, report, stderr } = await m.fix(['--yes', '--restart', '--set', 'recovery_timeout=36hrs', '--agent', S(0), '--agent', S(3)]);
    expect(code, stderr).toBe(ExitCode.REFUSED);
    const roll = Object.fromEntries((report.roll?.agents ?? []).map((a) => [a.agent, a]));
    expect(roll[S(0)]).toMatchObject({ outcome: 'refused', error: expect.stringMatching(/killed \(framework jenkins .* registered without checkpointing/) });
    expect(roll[S(3)]?.outcome).toBe('restarted');
    expect(m.agentState(0)?.restart).toBeUndefined();
    expect(m.agentState(3)?.restart).toBeDefined();
    expect(readStateFile(m.dir)?.otherFrameworks?.find((f) => f.name === 'jenkins')?.tasks.filter((t) => t.agentId === S(0)).length).toBeGreaterThan(0);
    // S0's file is fixed but not applied: its drift says so.
    expect((await m.check()).agents.find((a) => a.agent === S(0))?.drift).toEqual(['recovery_timeout']);
  });

  it('stops the roll at an agent that does not re-register, says where and how to resume; the same command resumes', async () => {
    const m = freshMock();
    const args = ['--yes', '--restart', '--agent', S(1), '--agent', S(5), '--restart-timeout', '3s'];
    const stalled = await m.cli(['--fix', ...args], { STATEFUL_OPS_MOCK_SSH_FAULTS: `${S(5)}:no-reregister` });
    expect(stalled.code, stalled.stderr).toBe(ExitCode.ROLL_STOPPED);
    expect(stalled.stdout).toMatch(new RegExp(`ROLL STOPPED at ${S(5)} \\(127\\.0\\.0\\.172\\): not back within 3s of the restart: the master has not seen it re-register`));
    expect(stalled.stdout).toContain('run the same command again');
    const firstRestartOfS1 = m.agentState(1)?.restart?.at;
    expect(firstRestartOfS1).toBeDefined();

    const resumed = await m.fix(args);
    expect(resumed.code, resumed.stderr).toBe(ExitCode.OK);
    // S1 came back right the first time: not restarted again; S5 is.
    expect(resumed.report.roll?.agents.map((a) => [a.agent, a.outcome])).toEqual([[S(5), 'restarted']]);
    expect(m.agentState(1)?.restart?.at).toBe(firstRestartOfS1);
    expect((await m.check()).agents.filter((a) => a.agent === S(1) || a.agent === S(5)).map((a) => a.drift)).toEqual([[], []]);
  });

  it('Ctrl-C while waiting for an agent to come back: exit 130, nothing new starts; the same command resumes the roll', async () => {
    const m = freshMock();
    const args = ['agent', 'recovery-config', '--fix', '--yes', '--restart', '--agent', S(1), '--agent', S(5), '--restart-timeout', '2min'];
    const { child, output, exited } = spawnMockCli(m.dir, args, { STATEFUL_OPS_MOCK_SSH_FAULTS: `${S(1)}:no-reregister` });
    for (let i = 0; i < 1200 && !(output.stderr.includes('restarting dcos-mesos-slave.service on 127.0.0.168') && m.agentState(1)?.restart); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    expect(await exited, output.stdout + output.stderr).toBe(ExitCode.INTERRUPTED);
    expect(m.agentState(5)?.restart).toBeUndefined();

    const resumed = await m.fix(['--yes', '--restart', '--agent', S(1), '--agent', S(5)]);
    expect(resumed.code, resumed.stderr).toBe(ExitCode.OK);
    expect(resumed.report.roll?.agents.map((a) => [a.agent, a.outcome])).toEqual([
      [S(1), 'restarted'],
      [S(5), 'restarted'],
    ]);
    expect((await m.check()).agents.filter((a) => a.agent === S(1) || a.agent === S(5)).map((a) => a.drift)).toEqual([[], []]);
  });

  it('--parallel 2 never restarts two agents holding the same stateful app at once', async () => {
    const m = freshMock();
    // Without jenkins (no checkpointing) on S0, its tasks survive a restart too.
    const state = readStateFile(m.dir);
    if (!state) throw new Error('no mock state');
    for (const fw of state.otherFrameworks ?? []) fw.tasks = fw.tasks.filter((t) => fw.checkpoint || t.agentId !== S(0));
    writeStateFile(m.dir, state);
    const { code, report, stderr } = await m.fix(['--yes', '--restart', '--parallel', '2', '--set', 'strict=true,recover=reconnect,recovery_timeout=36hrs', '--agent', S(0), '--agent', S(1), '--agent', S(3)]);
    expect(code, stderr).toBe(ExitCode.OK);
    expect(report.roll?.agents.map((a) => [a.agent, a.outcome])).toEqual([S(0), S(1), S(3)].map((id) => [id, 'restarted']));
    // S0 and S1 both hold /postgres: S1 went down only once S0 was back.
    const [s0, s1] = [0, 1].map((n) => m.agentState(n)?.restart);
    expect(s1?.at).toBeGreaterThanOrEqual(s0?.reregisterAt as number);
  });

  it('a file edited by hand after the plan was made is refused by the fence on the agent: "changed since planned", nothing written', async () => {
    const m = freshMock();
    // Command 1 reads S1's configuration; before command 2 (the write) someone edits agent.env.
    const { code, report, stderr } = await m.fix(['--yes', '--agent', S(1)], { STATEFUL_OPS_MOCK_TRIGGERS: `${S(1)}:before=2:edit-file=${AGENT_ENV}` });
    expect(code, stderr).toBe(ExitCode.REFUSED);
    expect(report.agents[0]?.result).toMatchObject({ outcome: 'refused', written: [], error: expect.stringContaining(`${AGENT_ENV} changed since planned`) });
    const now = readFileSync(m.file(1, AGENT_ENV), 'utf8');
    expect(now).toContain('MESOS_RECOVER=cleanup');
    expect(now.endsWith('# edited by hand meanwhile\n')).toBe(true);
    expect(stderr).toContain('changed since planned');
  });

  it('refuses to edit without --yes and no terminal; bad --set values and --restart without --fix are usage errors', async () => {
    const m = freshMock();
    const refused = await m.cli(['--fix', '--agent', S(1)]);
    expect(refused.code).toBe(ExitCode.REFUSED);
    expect(refused.stderr).toContain('refusing to edit without confirmation');
    expect(m.agentState(1)?.restart).toBeUndefined();
    const bad = await m.cli(['--fix', '--set', 'recovery_timeout=24h']);
    expect(bad.code).toBe(ExitCode.USAGE);
    expect(bad.stderr).toContain("unknown unit 'h'");
    expect((await m.cli(['--restart'])).code).toBe(ExitCode.USAGE);
  });
});
