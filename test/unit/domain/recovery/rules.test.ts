import { expect, it } from 'vitest';
import { layerSettings, type EnvFileInput } from '../../../../src/domain/recovery/layering.js';
import { evaluateAgent, evaluateCluster, type AgentFacts, type Finding } from '../../../../src/domain/recovery/rules.js';
import { agentReport, summarize, summaryLine } from '../../../../src/domain/recovery/report.js';
import { parseUnit } from '../../../../src/domain/recovery/unit-file.js';
import { reregistrationWindow, type ReregistrationWindow } from '../../../../src/domain/recovery/window.js';

import { describeWithReference, referenceJson } from '../../../helpers/reference.js';

const reference = (name: string) => referenceJson<{ flags: Record<string, string> }>(`mesos-dcos/${name}`).flags;

const GENERATED = '/opt/mesosphere/etc/mesos-slave-common';
const OPERATOR = '/var/lib/dcos/mesos-slave-common';
const UNIT = '/etc/systemd/system/dcos-mesos-slave.service';
const DCOS_GENERATED = 'MESOS_EXECUTOR_REREGISTRATION_TIMEOUT=10secs\nMESOS_RECONFIGURATION_POLICY=additive\nMESOS_RECOVERY_TIMEOUT=24hrs\n';
const dcosWindow = () => reregistrationWindow(reference('dcos-master-flags-excerpt.json')) as ReregistrationWindow;

interface Setup {
  operator?: string;
  unit?: string;
  live?: Record<string, string>;
  window?: ReregistrationWindow | null;
  offline?: boolean;
  extraFiles?: EnvFileInput[];
}

/** A DC/OS agent: generated defaults, an optional operator file and unit lines, evaluated. */
function evaluate(s: Setup = {}) {
  const unit = parseUnit([
    { path: UNIT, text: `[Service]\nRestartSec=5\nKillMode=control-group\n${s.unit ?? ''}` },
  ]);
  const envFiles: EnvFileInput[] = [
    { path: GENERATED, optional: false, text: DCOS_GENERATED },
    { path: OPERATOR, optional: true, text: s.operator ?? null },
    ...(s.extraFiles ?? []),
  ];
  const facts: AgentFacts = {
    layered: layerSettings({ unit, envFiles }),
    unit: { name: 'dcos-mesos-slave.service', killMode: unit.killMode, restartSec: unit.restartSec },
    live: s.live ?? null,
    window: s.window === undefined ? dcosWindow() : s.window,
    offline: s.offline ?? false,
  };
  return { facts, ...evaluateAgent(facts) };
}

const rules = (findings: Finding[]) => findings.map((f) => `${f.severity}:${f.rule}@${f.location ?? '-'}`);

describeWithReference('recovery rules', () => {
  it('DC/OS defaults give no findings', () => {
    expect(evaluate().findings).toEqual([]);
    expect(evaluate({ live: reference('dcos-agent-flags-excerpt.json') })).toMatchObject({ findings: [], drift: [] });
  });

  it('strict=false (or 0) is a warning naming its line; strict=true, 1 or empty is fine', () => {
    expect(rules(evaluate({ operator: '# x\nMESOS_STRICT=false\n' }).findings)).toEqual([`warning:strict-false@${OPERATOR}:2`]);
    expect(rules(evaluate({ operator: 'MESOS_STRICT=0\n' }).findings)).toEqual([`warning:strict-false@${OPERATOR}:1`]);
    for (const ok of ['true', '1', '']) expect(evaluate({ operator: `MESOS_STRICT=${ok}\n` }).findings, ok).toEqual([]);
    const [f] = evaluate({ operator: 'MESOS_STRICT=false\n' }).findings;
    expect(f?.remedy).toBe(`delete line 1 (MESOS_STRICT) of ${OPERATOR} so that the default true applies, then systemctl restart dcos-mesos-slave.service`);
  });

  it('recover=cleanup is an error, from a file or from ExecStart', () => {
    expect(rules(evaluate({ operator: 'MESOS_RECOVER=cleanup\n' }).findings)).toEqual([`error:recover-cleanup@${OPERATOR}:1`]);
    const viaFlag = evaluate({ unit: 'ExecStart=/bin/mesos-agent --recover=cleanup\n' }).findings;
    expect(rules(viaFlag)).toEqual([`error:recover-cleanup@${UNIT}:4`]);
    expect(viaFlag[0]?.remedy).toMatch(/^remove --recover from ExecStart= at .*daemon-reload/);
  });

  it('unparsable values are errors with file:line, whatever their kind, and say what the agent runs with now', () => {
    const { findings } = evaluate({
      operator: 'MESOS_STRICT=False\nMESOS_RECOVER=reconect\nMESOS_RECOVERY_TIMEOUT=900\nMESOS_RECONFIGURATION_POLICY=Equal\n',
      live: { recovery_timeout: '1days' },
    });
    expect(rules(findings)).toEqual([1, 2, 3, 4].map((n) => `error:invalid-value@${OPERATOR}:${n}`));
    expect(findings[2]?.reason).toMatch(/^'900' is not a Mesos duration: no unit .*refuse to start.*still uses 1days$/);
    expect(findings[1]?.remedy).toMatch(/one of reconnect, cleanup/);
  });

  it('a # glued to a value is called out; a quoted value with # is the same error without the hint', () => {
    const [glued] = evaluate({ operator: 'MESOS_RECOVERY_TIMEOUT=2days  # for the migration\n' }).findings;
    expect(glued?.reason).toMatch(/a # after a value is not a comment/);
    expect(evaluate({ operator: 'MESOS_RECOVERY_TIMEOUT="2days"\n' }).findings).toEqual([]);
  });

  it('file:// values are noted, not judged', () => {
    expect(rules(evaluate({ operator: 'MESOS_RECOVERY_TIMEOUT=file:///etc/rt\n' }).findings)).toEqual([`info:value-from-file@${OPERATOR}:1`]);
  });

  it('recovery_timeout: error when not above the restart delay, warning under 15mins or over 7days', () => {
    const at = (timeout: string, unit = '') => rules(evaluate({ operator: `MESOS_RECOVERY_TIMEOUT=${timeout}\n`, unit }).findings);
    expect(at('5secs')).toEqual([`error:recovery-timeout-short@${OPERATOR}:1`]);
    expect(at('3mins', 'RestartSec=3min\n')).toEqual([`error:recovery-timeout-short@${OPERATOR}:1`]);
    expect(at('10mins')).toEqual([`warning:recovery-timeout-short@${OPERATOR}:1`]);
    expect(at('15mins')).toEqual([]);
    expect(at('7days')).toEqual([]);
    expect(at('1weeks')).toEqual([]);
    expect(at('169hrs')).toEqual([`warning:recovery-timeout-long@${OPERATOR}:1`]);
  });

  it('KillMode: invalid values are ignored by systemd (control-group applies); process and none are discouraged', () => {
    const killMode = (value: string) => evaluate({ unit: `KillMode=${value}\n` }).findings;
    const [typo] = killMode('control-cgroup');
    expect(typo).toMatchObject({ rule: 'killmode', severity: 'warning', location: `${UNIT}:4` });
    expect(typo?.reason).toMatch(/^KillMode=control-cgroup is invalid, ignored by systemd, control-group applies/);
    expect(typo?.remedy).toMatch(/valid values: control-group .*mixed, process, none/);
    expect(rules(killMode('process'))).toEqual([`warning:killmode@${UNIT}:4`]);
    expect(rules(killMode('none'))).toEqual([`warning:killmode@${UNIT}:4`]);
    expect(killMode('mixed')).toEqual([]);
    expect(evaluate({ unit: 'KillMode=\n' }).findings).toEqual([]);
  });

  it("re-registration window: DC/OS's 300s holds RestartSec=5, not 6min; Mesos's 75s does not hold 70s", () => {
    const DCOS_WINDOW = dcosWindow();
    expect(DCOS_WINDOW.seconds).toBe(300);
    expect(DCOS_WINDOW.maxPings).toEqual({ key: 'max_slave_ping_timeouts', value: '20', from: 'master /flags' });
    const mesosWindow = reregistrationWindow(reference('master-flags.json')) as ReregistrationWindow;
    expect(mesosWindow.seconds).toBe(75);
    expect(reregistrationWindow({})).toMatchObject({ seconds: 75, maxPings: { from: 'Mesos default' } });
    expect(rules(evaluate({ unit: 'RestartSec=6min\n' }).findings)).toEqual([`warning:restart-exceeds-window@${UNIT}:4`]);
    expect(evaluate({ unit: 'RestartSec=6min\n' }).findings[0]?.reason).toMatch(/370s, not within the master's re-registration window of 300s/);
    expect(rules(evaluate({ unit: 'RestartSec=70\n', window: mesosWindow }).findings)).toEqual([`warning:restart-exceeds-window@${UNIT}:4`]);
    expect(evaluate({ unit: 'RestartSec=60\n', window: mesosWindow }).findings).toEqual([]);
    expect(evaluate({ unit: 'RestartSec=6min\n', window: null }).findings).toEqual([]);
    expect(reregistrationWindow({ max_agent_ping_timeouts: 'x' })).toEqual({ problem: 'master max_agent_ping_timeouts=x is not a positive whole number' });
  });

  it('drift compares as Mesos values: 24hrs equals 1days; a changed policy is reported at the file that sets it', () => {
    expect(evaluate({ live: { recovery_timeout: '1days', strict: 'true' } }).findings).toEqual([]);
    const { findings, drift } = evaluate({ live: { reconfiguration_policy: 'equal' } });
    expect(drift).toEqual(['reconfiguration_policy']);
    expect(rules(findings)).toEqual([`warning:drift@${GENERATED}:2`]);
    expect(findings[0]?.reason).toMatch(/files say reconfiguration_policy=additive .* running agent reports equal/);
    // An invalid file value is one error (which names the live value), not also a drift.
    expect(evaluate({ operator: 'MESOS_RECOVERY_TIMEOUT=2dayz\n', live: { recovery_timeout: '1days' } }).drift).toEqual([]);
  });

  it('lines systemd ignores are warnings when they look like recovery settings', () => {
    const { findings } = evaluate({ operator: 'export MESOS_STRICT=false\nexport PATH=/bin\n' });
    expect(rules(findings)).toEqual([`warning:ignored-line@${OPERATOR}:1`]);
    expect(findings[0]?.reason).toMatch(/the agent uses true \(Mesos default\)$/);
  });

  it('a missing EnvironmentFile without "-" is an error on an agent, a note offline', () => {
    const missing: EnvFileInput = { path: '/opt/mesosphere/etc/proxy.env', optional: false, text: null, declaredAt: { file: UNIT, line: 16 } };
    expect(rules(evaluate({ extraFiles: [missing] }).findings)).toEqual([`error:env-file-missing@${UNIT}:16`]);
    expect(rules(evaluate({ extraFiles: [missing], offline: true }).findings)).toEqual([`info:env-file-missing@${UNIT}:16`]);
  });

  it("Marathon's checkpointing off, in /v2/info or in the master's framework, is a cluster error", () => {
    expect(evaluateCluster({ marathonCheckpoint: true, framework: { id: 'f-0001', checkpoint: true } })).toEqual([]);
    expect(evaluateCluster({})).toEqual([]);
    const [both] = evaluateCluster({ marathonCheckpoint: false, framework: { id: 'f-0001', checkpoint: false } });
    expect(both).toMatchObject({ rule: 'checkpoint-off', severity: 'error', location: 'Marathon /v2/info, Mesos master /state' });
    expect(evaluateCluster({ framework: { id: 'f-0001', checkpoint: false } })[0]?.reason).toMatch(/framework f-0001 checkpoint=false/);
  });
});

describeWithReference('verdicts and the summary', () => {
  it('the worst finding decides; info never counts; --fail-on picks the exit threshold', () => {
    const { facts, findings, drift } = evaluate({ operator: 'MESOS_STRICT=false\n' });
    const report = agentReport({ identity: { agent: 'S1', host: '127.0.0.168', path: null }, layered: facts.layered, evaluation: { findings, drift }, readFindings: [], unit: null, systemd: { version: 239, rules: '239', source: 'option' }, dcosVersion: null, live: null, notes: [] });
    expect(report.verdict).toBe('warning');
    expect(report.settings?.strict).toMatchObject({ value: 'false', canonical: 'false', location: `${OPERATOR}:1`, source: 'file', default: null });
    expect(report.settings?.recovery_timeout).toMatchObject({ value: '24hrs', canonical: '1days', default: 'dcos' });
    expect(report.settings?.recover).toMatchObject({ default: 'mesos', location: null, origin: 'Mesos default' });
    const unreachable = { ...report, verdict: 'unreachable' as const, findings: [] };
    expect(summarize([report, unreachable], null, 'error')).toMatchObject({ warning: 1, unreachable: 1, failed: false });
    expect(summarize([report], null, 'warning').failed).toBe(true);
    expect(summaryLine(summarize([report, unreachable], null, 'error'))).toBe('2 agents: 0 ok, 1 warning, 0 error, 1 unreachable');
  });
});
