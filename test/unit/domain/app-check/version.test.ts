import { describe, expect, it } from 'vitest';
import { atLeast, parseMarathonVersion, ruleSetFor } from '../../../../src/domain/app-check/version.js';
import { marathonVersion } from '../../../helpers/app-check.js';

describe('Marathon versions and rule sets', () => {
  it('parses the versions /v2/info reports and what operators type', () => {
    expect(parseMarathonVersion('1.10.26')).toEqual({ minor: 10, patch: 26, text: '1.10.26' });
    expect(parseMarathonVersion('v1.4')).toEqual({ minor: 4, patch: null, text: 'v1.4' });
    expect(parseMarathonVersion('1.11.0-SNAPSHOT')?.minor).toBe(11);
    for (const bad of ['2.0.0', '1.0.3', '1.12', 'latest', '', '1.x']) expect(parseMarathonVersion(bad)).toBeUndefined();
  });

  it('compares versions, an unknown patch counting as the latest of its minor', () => {
    expect(atLeast(marathonVersion('1.8.244'), 8, 244)).toBe(true);
    expect(atLeast(marathonVersion('1.8.180'), 8, 244)).toBe(false);
    expect(atLeast(marathonVersion('1.8'), 8, 244)).toBe(true);
    expect(atLeast(marathonVersion('1.10.26'), 9)).toBe(true);
    expect(atLeast(marathonVersion('1.3.14'), 4)).toBe(false);
  });

  it('names the rule set and notes the 1.2/1.3 discrepancy of the minimumHealthCapacity relaxation', () => {
    expect(ruleSetFor(marathonVersion('1.1.1')).name).toBe('1.1–1.2');
    expect(ruleSetFor(marathonVersion('1.4.13')).name).toBe('1.4');
    expect(ruleSetFor(marathonVersion('1.7.236')).name).toBe('1.6–1.8');
    expect(ruleSetFor(marathonVersion('1.10.26')).name).toBe('1.9+');
    expect(ruleSetFor(marathonVersion('1.2.0')).notes.join()).toMatch(/#4138/);
    expect(ruleSetFor(marathonVersion('1.4.13')).notes).toEqual([]);
  });
});
