import { describe, expect, it } from 'vitest';
import { parseSystemdTimeSpanMs } from '../../../../src/domain/recovery/systemd-time.js';

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
