import { describe, expect, it } from 'vitest';
import { parseSettingValue, sameSettingValue, settingOfEnvName } from '../../../../src/domain/recovery/settings.js';

describe('Mesos durations as settings', () => {
  it('executor_reregistration_timeout may not exceed 15secs', () => {
    expect(parseSettingValue('executor_reregistration_timeout', '15secs')).toMatchObject({ ok: true });
    expect(parseSettingValue('executor_reregistration_timeout', '16secs')).toMatchObject({ ok: false, problem: "'16secs' is above the 15secs Mesos allows for executor_reregistration_timeout" });
  });

  it('compares as numbers: /flags re-prints 24hrs as 1days', () => {
    expect(sameSettingValue('recovery_timeout', '24hrs', '1days')).toBe(true);
    expect(sameSettingValue('recovery_timeout', '1.5mins', '90secs')).toBe(true);
    expect(sameSettingValue('recovery_timeout', '48hrs', '2days')).toBe(true);
    expect(sameSettingValue('recovery_timeout', '36hrs', '1days')).toBe(false);
  });
});

describe('Mesos booleans and enums', () => {
  it('only true/1/false/0 (and empty, meaning true) are booleans', () => {
    expect(parseSettingValue('strict', 'true')).toMatchObject({ ok: true, value: true });
    expect(parseSettingValue('strict', '1')).toMatchObject({ ok: true, value: true });
    expect(parseSettingValue('strict', '')).toMatchObject({ ok: true, value: true });
    expect(parseSettingValue('strict', 'false')).toMatchObject({ ok: true, value: false, canonical: 'false' });
    expect(parseSettingValue('strict', '0')).toMatchObject({ ok: true, value: false });
    for (const bad of ['False', 'yes', 'no', 'false # x', ' true']) {
      expect(parseSettingValue('strict', bad), bad).toMatchObject({ ok: false, problem: expect.stringMatching(/not a Mesos boolean/) });
    }
    expect(sameSettingValue('strict', '1', 'true')).toBe(true);
  });

  it('enums are exact and case-sensitive', () => {
    expect(parseSettingValue('recover', 'cleanup')).toMatchObject({ ok: true, value: 'cleanup' });
    expect(parseSettingValue('recover', 'Cleanup')).toMatchObject({ ok: false, problem: "unknown option 'Cleanup' for 'recover' (choices: reconnect, cleanup)" });
    expect(parseSettingValue('reconfiguration_policy', 'additive')).toMatchObject({ ok: true });
    expect(parseSettingValue('reconfiguration_policy', '')).toMatchObject({ ok: false });
  });

  it('a file:// value is not judged', () => {
    expect(parseSettingValue('recovery_timeout', 'file:///etc/rt')).toMatchObject({ ok: false, problem: expect.stringMatching(/not checked/) });
  });

  it('maps MESOS_ variables as Mesos does: prefix exact, the rest any case', () => {
    expect(settingOfEnvName('MESOS_RECOVERY_TIMEOUT')).toBe('recovery_timeout');
    expect(settingOfEnvName('MESOS_recovery_timeout')).toBe('recovery_timeout');
    expect(settingOfEnvName('mesos_recovery_timeout')).toBeUndefined();
    expect(settingOfEnvName('MESOS_CHECKPOINT')).toBeUndefined();
    expect(settingOfEnvName('MESOS_STRICT')).toBe('strict');
  });
});
