import { describe, expect, it } from 'vitest';
import { OVERRIDE_FILE, parseSetOption, planAgentFix, sha256 } from '../../../../src/domain/recovery/fix-plan.js';
import { layerSettings, type EnvFileInput } from '../../../../src/domain/recovery/layering.js';
import { evaluateAgent } from '../../../../src/domain/recovery/rules.js';
import { systemdRules } from '../../../../src/domain/recovery/systemd-version.js';
import { parseUnit } from '../../../../src/domain/recovery/unit-file.js';

const GENERATED = '/opt/mesosphere/etc/mesos-slave-common';
const AGENT_ENV = '/etc/mesosphere/mesos/agent.env';
const UNIT = '/etc/systemd/system/dcos-mesos-slave.service';

function agent(files: Record<string, string | null>, opts: { execStart?: string; set?: Record<string, string>; systemd?: number } = {}) {
  const systemd = systemdRules(opts.systemd ?? 254);
  const paths = [GENERATED, OVERRIDE_FILE, AGENT_ENV];
  const unitText = ['[Service]', ...paths.map((p) => `EnvironmentFile=${p === GENERATED ? '' : '-'}${p}`), `ExecStart=/opt/mesosphere/bin/mesos-agent${opts.execStart ?? ''}`].join('\n');
  const unit = parseUnit([{ path: UNIT, text: unitText }], systemd);
  const envFiles: EnvFileInput[] = paths.map((path, i) => ({ path, optional: i > 0, text: files[path] ?? null }));
  const layered = layerSettings({ unit, envFiles, systemd });
  const unitFacts = { name: 'dcos-mesos-slave.service', killMode: null, restartSec: null };
  const { findings } = evaluateAgent({ layered, unit: unitFacts, live: null, window: null, offline: false });
  const plan = planAgentFix({ envFiles, unit, systemd, layered, findings, ...(opts.set ? { set: opts.set } : {}) });
  // The findings left once the edits are in: what an operator would see on the next check.
  const edited = envFiles.map((f) => ({ ...f, text: plan.edits.find((e) => e.path === f.path)?.after ?? f.text }));
  const relayered = layerSettings({ unit, envFiles: edited, systemd });
  const left = evaluateAgent({ layered: relayered, unit: unitFacts, live: null, window: null, offline: false }).findings.map((f) => f.rule);
  return { plan, findings: findings.map((f) => f.rule), left };
}

const DEFAULTS = 'MESOS_RECONFIGURATION_POLICY=additive\nMESOS_RECOVERY_TIMEOUT=24hrs\nMESOS_EXECUTOR_REREGISTRATION_TIMEOUT=10secs\n';

describe('planAgentFix', () => {
  it('edits the lines that win in a later operator file, in place, and clears every finding there', () => {
    const leftovers = '# upgrade playbook\nMESOS_RECOVER=cleanup\nMESOS_STRICT=false\nMESOS_RECOVERY_TIMEOUT=4weeks\n';
    const { plan, findings, left } = agent({ [GENERATED]: DEFAULTS, [AGENT_ENV]: leftovers });
    expect(findings.sort()).toEqual(['recover-cleanup', 'recovery-timeout-long', 'strict-false']);
    expect(plan.refused).toEqual([]);
    expect(plan.edits.map((e) => e.path)).toEqual([AGENT_ENV]);
    expect(plan.edits[0]?.after).toBe('# upgrade playbook\nMESOS_RECOVER=reconnect\nMESOS_STRICT=true\nMESOS_RECOVERY_TIMEOUT=24hrs\n');
    expect(plan.edits[0]?.beforeHash).toBe(sha256(leftovers));
    expect(plan.edits[0]?.diff).toBe(
      [`--- ${AGENT_ENV}`, `+++ ${AGENT_ENV}`, '@@ -1,4 +1,4 @@', ' # upgrade playbook', '-MESOS_RECOVER=cleanup', '-MESOS_STRICT=false', '-MESOS_RECOVERY_TIMEOUT=4weeks', '+MESOS_RECOVER=reconnect', '+MESOS_STRICT=true', '+MESOS_RECOVERY_TIMEOUT=24hrs', ''].join('\n'),
    );
    expect(plan.addressed.map((f) => f.rule).sort()).toEqual(findings.sort());
    expect(left).toEqual([]);
    expect(plan.after).toMatchObject({ strict: 'true', recover: 'reconnect', recovery_timeout: '24hrs' });
  });

  it('a DC/OS default is overridden in the override file, created when absent', () => {
    const { plan, left } = agent({ [GENERATED]: DEFAULTS }, { set: { recovery_timeout: '36hrs', strict: 'true' } });
    expect(plan.edits).toHaveLength(1);
    expect(plan.edits[0]).toMatchObject({ path: OVERRIDE_FILE, before: null, beforeHash: '-' });
    // strict=true is already the effective value (Mesos default): nothing to write for it.
    expect(plan.edits[0]?.after).toBe('# Recovery settings (stateful-ops agent recovery-config --fix)\nMESOS_RECOVERY_TIMEOUT=36hrs\n');
    expect(plan.edits[0]?.diff.split('\n').slice(0, 3)).toEqual(['--- /dev/null', `+++ ${OVERRIDE_FILE}`, '@@ -0,0 +1,2 @@']);
    expect(plan.after.recovery_timeout).toBe('36hrs');
    expect(left).toEqual([]);
  });

  it('keeps the value and the note of a comment glued to it; drops export', () => {
    const edited = '# OPS-977\nMESOS_RECOVERY_TIMEOUT=2days  # raised for the storage migration\nexport MESOS_EXECUTOR_REREGISTRATION_TIMEOUT=15secs\n';
    const { plan, findings, left } = agent({ [GENERATED]: DEFAULTS, [OVERRIDE_FILE]: edited });
    expect(findings.sort()).toEqual(['ignored-line', 'invalid-value']);
    expect(plan.edits[0]?.after).toBe('# OPS-977\n# raised for the storage migration\nMESOS_RECOVERY_TIMEOUT=2days\nMESOS_EXECUTOR_REREGISTRATION_TIMEOUT=15secs\n');
    expect(plan.after).toMatchObject({ recovery_timeout: '2days', executor_reregistration_timeout: '15secs' });
    expect(left).toEqual([]);
  });

  it('a continued assignment is replaced whole', () => {
    const text = 'MESOS_STRICT=fal\\\nse\nMESOS_WORK_DIR=/var/lib/mesos/slave\n';
    const { plan, left } = agent({ [GENERATED]: DEFAULTS, [OVERRIDE_FILE]: text });
    expect(plan.edits[0]?.after).toBe('MESOS_STRICT=true\nMESOS_WORK_DIR=/var/lib/mesos/slave\n');
    expect(left).toEqual([]);
  });

  it('refuses a value an ExecStart= flag decides, saying why, and edits nothing for it', () => {
    const { plan } = agent({ [GENERATED]: DEFAULTS }, { execStart: ' --recovery_timeout=10mins' });
    expect(plan.edits).toEqual([]);
    expect(plan.refused).toEqual([{ setting: 'recovery_timeout', reason: expect.stringMatching(/^--recovery_timeout on ExecStart= \(.*:5\) beats every EnvironmentFile/) }]);
    expect(plan.notAddressed.map((f) => f.rule)).toEqual(['recovery-timeout-short']);
  });

  it('nothing to do on an agent whose values are already right', () => {
    const { plan } = agent({ [GENERATED]: DEFAULTS }, { set: { strict: 'true', recover: 'reconnect', recovery_timeout: '1days' } });
    expect(plan).toMatchObject({ edits: [], refused: [] });
  });
});

describe('parseSetOption', () => {
  it('reads name=value pairs and refuses what Mesos would refuse', () => {
    expect(parseSetOption('strict=true,recover=reconnect,recovery_timeout=24hrs')).toEqual({ values: { strict: 'true', recover: 'reconnect', recovery_timeout: '24hrs' } });
    expect(parseSetOption('recovery_timeout=24h')).toEqual({ problem: expect.stringContaining("unknown unit 'h'") });
    expect(parseSetOption('recover=Reconnect')).toEqual({ problem: expect.stringContaining('unknown option') });
    expect(parseSetOption('checkpoint=true')).toEqual({ problem: expect.stringContaining('unknown setting') });
    expect(parseSetOption('')).toEqual({ problem: expect.stringContaining('nothing to set') });
  });
});
