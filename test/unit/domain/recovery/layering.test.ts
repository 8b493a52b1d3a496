import { describe, expect, it } from 'vitest';
import { describeOrigin, layerSettings, type EnvFileInput } from '../../../../src/domain/recovery/layering.js';
import { parseUnit } from '../../../../src/domain/recovery/unit-file.js';
import { systemdRules } from '../../../../src/domain/recovery/systemd-version.js';

const UNIT = '/etc/systemd/system/dcos-mesos-slave.service';

const file = (path: string, text: string | null, optional = false): EnvFileInput => ({ path, optional, text });
const GENERATED = '/opt/mesosphere/etc/mesos-slave-common';
const OPERATOR = '/var/lib/dcos/mesos-slave-common';

describe('layering with origins', () => {
  it('a later EnvironmentFile wins; unset settings get the Mesos default; origins name file:line', () => {
    const layered = layerSettings({
      unit: null,
      envFiles: [
        file(GENERATED, 'MESOS_RECONFIGURATION_POLICY=additive\nMESOS_RECOVERY_TIMEOUT=24hrs\n'),
        file(OPERATOR, '# override\nMESOS_RECOVERY_TIMEOUT=48hrs\n', true),
        file('/run/dcos/etc/mesos-slave', null, true),
      ],
    });
    const s = layered.settings;
    expect([s.recovery_timeout.raw, describeOrigin(s.recovery_timeout.origin)]).toEqual(['48hrs', `${OPERATOR}:2`]);
    expect([s.reconfiguration_policy.raw, describeOrigin(s.reconfiguration_policy.origin)]).toEqual(['additive', `DC/OS default, ${GENERATED}:1`]);
    expect([s.strict.raw, describeOrigin(s.strict.origin)]).toEqual(['true', 'Mesos default']);
    expect([s.recover.raw, s.executor_reregistration_timeout.raw]).toEqual(['reconnect', '2secs']);
    expect(layered.missingFiles.map((f) => f.path)).toEqual(['/run/dcos/etc/mesos-slave']);
  });

  it('a command-line flag beats the environment; Environment= loses to EnvironmentFiles; ${VAR} expands', () => {
    const unit = parseUnit([
      {
        path: UNIT,
        text: [
          '[Service]',
          'Environment="MESOS_STRICT=false" MESOS_RECOVER=cleanup',
          'EnvironmentFile=/etc/agent.env',
          'ExecStart=/bin/mesos-agent --recovery_timeout=${RT} --strict=1',
        ].join('\n'),
      },
    ]);
    const layered = layerSettings({ unit, envFiles: [file('/etc/agent.env', 'MESOS_RECOVER=reconnect\nRT=30mins\nMESOS_RECOVERY_TIMEOUT=24hrs\n')] });
    const s = layered.settings;
    expect([s.recovery_timeout.raw, describeOrigin(s.recovery_timeout.origin), s.recovery_timeout.writtenAs]).toEqual([
      '30mins',
      `${UNIT}:4 (ExecStart flag)`,
      '--recovery_timeout',
    ]);
    expect([s.strict.raw, s.strict.origin.kind]).toEqual(['1', 'command-line']);
    expect([s.recover.raw, describeOrigin(s.recover.origin)]).toEqual(['reconnect', '/etc/agent.env:1']);
  });

  it('Environment= counts when no file overrides it', () => {
    const unit = parseUnit([{ path: UNIT, text: '[Service]\nEnvironment=MESOS_STRICT=false\n' }]);
    expect(describeOrigin(layerSettings({ unit, envFiles: [] }).settings.strict.origin)).toBe(`${UNIT}:2 (Environment=)`);
  });

  it('MESOS_ plus any case names the flag; the last spelling assigned wins; mesos_… is ignored', () => {
    const layered = layerSettings({
      unit: null,
      envFiles: [file(OPERATOR, 'MESOS_STRICT=true\nMESOS_strict=false\nmesos_recover=cleanup\n')],
    });
    expect([layered.settings.strict.raw, layered.settings.strict.writtenAs]).toEqual(['false', 'MESOS_strict']);
    expect(layered.settings.recover.origin.kind).toBe('mesos-default');
  });

  it('lines that would set a recovery setting but never reach the agent are reported', () => {
    const text = 'export MESOS_STRICT=false\n# was 15mins \\\nMESOS_RECOVERY_TIMEOUT=1hrs\nexport OTHER=1\n';
    const old = layerSettings({ unit: null, envFiles: [file(OPERATOR, text)], systemd: systemdRules(252) });
    expect(old.ignoredLines.map((l) => [l.line, l.setting, l.reason])).toEqual([
      [3, 'recovery_timeout', expect.stringMatching(/systemd 252 reads it as part of that comment/)],
      [1, 'strict', expect.stringMatching(/'export' is shell syntax/)],
    ]);
    expect(old.settings.strict.raw).toBe('true');
    expect(old.settings.recovery_timeout.raw).toBe('15mins');
    // systemd ≥ 254 applies the line after the comment: nothing to report about it.
    const current = layerSettings({ unit: null, envFiles: [file(OPERATOR, text)], systemd: systemdRules(254) });
    expect(current.settings.recovery_timeout.raw).toBe('1hrs');
    expect(current.ignoredLines.map((l) => l.setting)).toEqual(['strict']);
  });
});
