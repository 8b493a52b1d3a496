import { describe, expect, it } from 'vitest';
import { mockArgs, runCli } from '../helpers/cli.js';
import { ExitCode } from '../../src/core/errors.js';
import { writeSandboxes } from '../../src/mock/sandbox.js';
import { readStateFile, writeStateFile } from '../../src/mock/store.js';
import type { RecoveryReport } from '../../src/domain/recovery/report.js';
import { defaultMockDirs, S } from '../helpers/mock-dirs.js';

const OPERATOR = '/var/lib/dcos/mesos-slave-common';
const DROP_IN = '/etc/systemd/system/dcos-mesos-slave-public.service.d/recovery.conf';
const AGENT_ENV = '/etc/mesosphere/mesos/agent.env';

const newMockDir = defaultMockDirs();

/**
 * A fresh default mock per test: CLI runs against one mock directory share its generated ssh_config,
 * so runs that go in parallel each get their own.
 */
function freshMock(edit?: (state: NonNullable<ReturnType<typeof readStateFile>>, dir: string) => void) {
  const dir = newMockDir();
  const state = readStateFile(dir);
  if (edit && state) {
    edit(state, dir);
    writeStateFile(dir, state);
  }
  const cli = (args: string[], env?: Record<string, string>) => runCli([...mockArgs(dir), 'agent', 'recovery-config', ...args], env ? { env } : {});
  const json = async (args: string[], env?: Record<string, string>) => {
    const r = await cli(['--json', ...args], env);
    return { ...r, report: JSON.parse(r.stdout) as RecoveryReport };
  };
  return { cli, json };
}

describe.concurrent('agent recovery-config against the mock over real SSH', () => {
  it('every rule fires on the agent built to trigger it and on no other, naming its file:line', async () => {
    const { code, report, stderr } = await freshMock().json([]);
    expect(code, stderr).toBe(ExitCode.CHECK_FAILED);
    const byAgent = Object.fromEntries(report.agents.map((a) => [a.agent, a.findings.map((f) => `${f.rule}@${f.location}`).sort()]));
    expect(byAgent).toEqual({
      [S(0)]: [],
      [S(1)]: [`recover-cleanup@${AGENT_ENV}:3`, `recovery-timeout-long@${AGENT_ENV}:5`, `strict-false@${AGENT_ENV}:4`],
      [S(3)]: [],
      [S(4)]: [`killmode@${DROP_IN}:3`, `recovery-timeout-short@${DROP_IN}:7`, `restart-exceeds-window@${DROP_IN}:5`],
      [S(5)]: [
        'drift@/opt/mesosphere/etc/mesos-slave-common:18',
        `ignored-line@${OPERATOR}:4`,
        `invalid-value@${OPERATOR}:3`,
      ],
    });
    expect(report.agents.map((a) => [a.host, a.verdict])).toEqual([
      ['127.0.0.167', 'ok'],
      ['127.0.0.168', 'error'],
      ['127.0.0.170', 'ok'],
      ['127.0.0.171', 'warning'],
      ['127.0.0.172', 'error'],
    ]);
    expect(report.cluster).toMatchObject({ findings: [], checkpoint: { marathon: true, framework: { checkpoint: true } } });
    expect(report.cluster?.reregistrationWindow).toMatchObject({ seconds: 300, maxPings: { key: 'max_slave_ping_timeouts', value: '20' } });
    expect(report.summary).toEqual({ agents: 5, ok: 2, warning: 1, error: 2, unreachable: 0, clusterFindings: 0, failOn: 'error', failed: true });
  });

  it('shows each effective value with its origin and the live value; durations compare as numbers', async () => {
    const { report } = await freshMock().json(['--agent', S(0), '--agent', '127.0.0.170', '--agent', '127.0.0.171', '--agent', S(5)]);
    const [s0, s3, s4, s5] = report.agents;
    expect(s0?.settings?.recovery_timeout).toMatchObject({ value: '24hrs', live: '1days', drift: false, default: 'dcos', location: '/opt/mesosphere/etc/mesos-slave-common:19' });
    expect(s0?.settings?.strict).toMatchObject({ value: 'true', default: 'mesos', origin: 'Mesos default', live: 'true' });
    // The operator's quoted override: 48hrs in the file, 2days in /flags, no drift.
    expect(s3?.settings?.recovery_timeout).toMatchObject({ value: '48hrs', canonical: '2days', live: '2days', drift: false, location: `${OPERATOR}:2`, source: 'file' });
    // A command-line flag (on a continued ExecStart= line of a drop-in) beats the DC/OS default.
    expect(s4?.settings?.recovery_timeout).toMatchObject({ value: '10mins', source: 'command-line', location: `${DROP_IN}:7`, live: '10mins' });
    expect(s4?.unit).toMatchObject({ killMode: { value: 'control-cgroup', effective: 'control-group' }, restartSec: { value: '6min', seconds: 360 } });
    expect(s4?.unit?.dropIns).toEqual([DROP_IN]);
    expect(s5?.drift).toEqual(['reconfiguration_policy']);
    expect(s5?.settings?.recovery_timeout).toMatchObject({ value: '2days  # raised for the storage migration', canonical: null, live: '1days' });
  });

  it('prints the table, the findings and the one-line summary on stdout; nothing else on stderr without a TTY', async () => {
    const r = await freshMock().cli(['--origins']);
    expect(r.code).toBe(ExitCode.CHECK_FAILED);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^AGENT +HOST +STRICT +RECOVER +RECOVERY_TIMEOUT +POLICY +KILLMODE +DRIFT +VERDICT$/);
    expect(lines.find((l) => l.startsWith(S(4)))).toMatch(/127\.0\.0\.171 +true +reconnect +10mins +additive +control-cgroup \(invalid\) +- +warning$/);
    expect(lines.find((l) => l.startsWith(S(5)))).toMatch(/"2days  # raised…" \(invalid\) +additive +control-group +policy +error$/);
    expect(r.stdout).toContain('Master re-registration window: 300s (agent_ping_timeout 15secs × max_slave_ping_timeouts 20)');
    expect(r.stdout).toMatch(/^error {4}recover-cleanup {2}d935ca7e-e29d-4503-94e7-25fe9f16847c-S1 \(127\.0\.0\.168\) {2}\/etc\/mesosphere\/mesos\/agent\.env:3$/m);
    expect(r.stdout).toMatch(/^ +remedy: write KillMode=control-group/m);
    expect(r.stdout).toMatch(new RegExp(`^${S(3)} +recovery_timeout +48hrs +2days +${OPERATOR}:2$`, 'm'));
    expect(lines.filter(Boolean).at(-1)).toBe('5 agents: 2 ok, 1 warning, 2 error, 0 unreachable');
    // Each agent's own systemctl --version: the mock's agents run CentOS 7's systemd.
    expect(r.stdout).toContain('Read with systemd 219\n');
  });

  it("each agent is read with its own systemd: the version is reported per agent", async () => {
    const { json } = freshMock((state, dir) => {
      const s0 = state.agents.find((a) => a.id === S(0));
      if (s0) s0.systemdVersion = 252;
      writeSandboxes(dir, state);
    });
    const { report } = await json(['--agent', S(0), '--agent', S(1)]);
    expect(report.agents.map((a) => [a.agent, a.systemd, a.dcosVersion])).toEqual([
      [S(0), { version: 252, rules: '252', source: 'agent' }, '2.2.5'],
      [S(1), { version: 219, rules: '219', source: 'agent' }, '2.2.5'],
    ]);
  });

  it('the exit code follows --fail-on: warnings fail only with --fail-on warning', async () => {
    const [warnings, failing, clean, bad] = await Promise.all([
      freshMock().cli(['--agent', '127.0.0.171']),
      freshMock().cli(['--agent', '127.0.0.171', '--fail-on', 'warning']),
      freshMock().cli(['--agent', S(0), '--fail-on', 'warning']),
      freshMock().cli(['--fail-on', 'info']),
    ]);
    expect(warnings.code).toBe(ExitCode.OK);
    expect(failing.code).toBe(ExitCode.CHECK_FAILED);
    expect(clean.code).toBe(ExitCode.OK);
    expect(bad.code).toBe(ExitCode.USAGE);
    expect(bad.stderr).toMatch(/Allowed choices are warning, error/);
  });

  it('an unreachable agent is its own verdict and does not hide the others', async () => {
    const refusing = { STATEFUL_OPS_MOCK_SSH_FAULTS: '127.0.0.172:connection=refused' };
    const [lost, refused, text] = await Promise.all([
      freshMock().json(['--agent', '127.0.0.169', '--agent', S(0)]),
      freshMock().json([], refusing),
      freshMock().cli(['--agent', S(5), '--agent', S(0)], refusing),
    ]);
    expect(lost.code).toBe(ExitCode.PARTIAL);
    expect(lost.report.agents.map((a) => [a.host, a.verdict])).toEqual([
      ['127.0.0.167', 'ok'],
      ['127.0.0.169', 'unreachable'],
    ]);
    expect(lost.report.agents[1]?.unreachable).toMatch(/cannot connect over SSH/);
    expect(lost.report.agents[1]?.notes).toEqual([]);

    expect(refused.code).toBe(ExitCode.CHECK_FAILED);
    expect(refused.report.summary).toMatchObject({ agents: 5, ok: 2, warning: 1, error: 1, unreachable: 1 });
    expect(text.code).toBe(ExitCode.PARTIAL);
    expect(text.stdout).toMatch(/^unreachable {2}d935ca7e-e29d-4503-94e7-25fe9f16847c-S5 \(127\.0\.0\.172\)$/m);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('2 agents: 1 ok, 0 warning, 0 error, 1 unreachable');
  });

  it('an --agent naming no agent (an id the master does not know, a host outside the mock) is exit 3, nothing checked', async () => {
    for (const wrong of [S(2), 'db.example.invalid']) {
      const { code, stdout, stderr } = await freshMock().cli(['--agent', S(3), '--agent', wrong]);
      expect(code, stderr).toBe(ExitCode.NOT_FOUND);
      expect(stdout).toBe('');
      expect(stderr.split('\n')[0]).toBe(`Error: no agent '${wrong}' is known to the Mesos master`);
    }
  });

  it("Marathon without checkpointing is a cluster error even when every agent is fine", async () => {
    // As if Marathon ran with --disable_checkpoint: its framework registered with checkpoint=false.
    const withoutCheckpoint = () => freshMock((state) => (state.marathonCheckpoint = false));
    const [r, text] = await Promise.all([withoutCheckpoint().json(['--agent', S(0)]), withoutCheckpoint().cli(['--agent', S(0)])]);
    expect(r.code).toBe(ExitCode.CHECK_FAILED);
    expect(r.report.agents.map((a) => a.verdict)).toEqual(['ok']);
    expect(r.report.cluster?.findings).toEqual([
      expect.objectContaining({ rule: 'checkpoint-off', severity: 'error', location: 'Marathon /v2/info, Mesos master /state' }),
    ]);
    expect(r.report.cluster?.checkpoint).toEqual({ marathon: false, framework: { id: 'd935ca7e-e29d-4503-94e7-25fe9f16847c-0001', checkpoint: false } });
    expect(text.stdout).toMatch(/^error {4}checkpoint-off {2}cluster {2}Marathon \/v2\/info, Mesos master \/state$/m);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('1 agent: 1 ok, 0 warning, 0 error, 0 unreachable; 1 cluster finding');
  });
});
