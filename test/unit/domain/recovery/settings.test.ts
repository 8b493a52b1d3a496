import { describe, expect, it } from 'vitest';
import { mesosDurationProblem, parseMesosDuration } from '../../../../src/domain/recovery/duration.js';
import { parseSettingValue, sameSettingValue, settingOfEnvName } from '../../../../src/domain/recovery/settings.js';
import { parseSystemdTimeSpanMs } from '../../../../src/domain/recovery/systemd-time.js';

const SEC = 1e9;

describe('Mesos durations', () => {
  it('accepts <number><unit> with fractions', () => {
    expect(parseMesosDuration('15mins')).toBe(900 * SEC);
    expect(parseMesosDuration('1.5mins')).toBe(90 * SEC);
    expect(parseMesosDuration('.5mins')).toBe(30 * SEC);
    expect(parseMesosDuration('1.mins')).toBe(60 * SEC);
    expect(parseMesosDuration('24hrs')).toBe(86400 * SEC);
    expect(parseMesosDuration('2weeks')).toBe(14 * 86400 * SEC);
    expect(parseMesosDuration('10ms')).toBe(10e6);
  });

  it('refuses what stout refuses, saying why', () => {
    const refused: [string, RegExp][] = [
      ['15', /no unit/],
      ['900', /no unit/],
      ['15 mins', /unknown unit ' mins'/],
      ['15MINS', /unknown unit 'MINS'/],
      ['15min', /unknown unit 'min'/],
      ['15m', /unknown unit/],
      ['15s', /unknown unit/],
      ['15sec', /unknown unit/],
      ['-5secs', /must start with a number/],
      [' 15mins', /must start with a number/],
      ['15mins ', /unknown unit 'mins '/],
      ['1e3secs', /unknown unit 'e3secs'/],
      ['0x10secs', /unknown unit 'x10secs'/],
      ['1..5mins', /'1..5' is not a number/],
      ['', /empty/],
      ['2days # raised', /unknown unit 'days # raised'/],
      ['100000000weeks', /too large/],
    ];
    for (const [text, reason] of refused) {
      expect(parseMesosDuration(text), text).toBeUndefined();
      expect(mesosDurationProblem(text), text).toMatch(reason);
    }
  });

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

describe('systemd time spans (RestartSec=)', () => {
  it('reads bare seconds, units and compound spans', () => {
    const cases: [string, number][] = [
      ['5', 5000],
      ['5s', 5000],
      ['6min', 360_000],
      ['1min 30s', 90_000],
      ['1min30s', 90_000],
      ['100ms', 100],
      ['2h', 7_200_000],
      ['1.5s', 1500],
      [' 10 sec ', 10_000],
    ];
    for (const [text, ms] of cases) expect(parseSystemdTimeSpanMs(text), text).toBe(ms);
    expect(parseSystemdTimeSpanMs('infinity')).toBe(Infinity);
  });

  it('rejects what systemd rejects', () => {
    for (const bad of ['', 'abc', '5 parsecs', '-5', '5s!', '5secs', '6mins', '3.', '.5s']) expect(parseSystemdTimeSpanMs(bad), bad).toBeUndefined();
  });
});
