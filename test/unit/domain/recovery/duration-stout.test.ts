import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatMesosDuration, parseMesosDuration, sameMesosDuration } from '../../../../src/domain/recovery/duration.js';
import { sameSettingValue } from '../../../../src/domain/recovery/settings.js';

/**
 * 6,685 duration texts across every unit (integers, fractions, long decimals, 160–1200hrs, truncation cases,
 * int64 limits), with the nanoseconds and the /flags text a C++ build of stout's rules gives
 * (fixtures/stout-duration/oracle.cpp; regenerate with inputs.mjs).
 */
const rows = readFileSync(fileURLToPath(new URL('../../../../fixtures/stout-duration/durations.tsv', import.meta.url)), 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => {
    const [text = '', ns = '', printed = ''] = l.split('\t');
    return { text, ns, printed };
  });
const valid = rows.filter((r) => r.ns !== 'invalid');

describe('durations as stout parses and prints them', () => {
  it('the oracle covers thousands of accepted values in every unit', () => {
    expect(valid.length).toBeGreaterThan(6000);
    for (const unit of ['ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', 'weeks']) {
      expect(valid.filter((r) => r.text.endsWith(unit) && r.text.includes('.')).length, unit).toBeGreaterThan(300);
    }
  });

  it('parses to the same nanoseconds (truncated, never rounded)', () => {
    const wrong = valid.filter((r) => parseMesosDuration(r.text) !== Number(r.ns)).map((r) => `${r.text}: ${parseMesosDuration(r.text)} ≠ ${r.ns}`);
    expect(wrong).toEqual([]);
    expect(parseMesosDuration('70.314mins')).toBe(4218839999999);
    expect(parseMesosDuration('0.5ns')).toBe(0);
  });

  it('prints what /flags prints (15 significant digits, one unit down when whole)', () => {
    const wrong = valid.filter((r) => formatMesosDuration(Number(r.ns)) !== r.printed).map((r) => `${r.text}: ${formatMesosDuration(Number(r.ns))} ≠ ${r.printed}`);
    expect(wrong).toEqual([]);
  });

  it('no false drift: every accepted file value equals what the agent prints for it', () => {
    const drift = valid.filter((r) => !sameSettingValue('recovery_timeout', r.text, r.printed)).map((r) => `${r.text} vs ${r.printed}`);
    expect(drift).toEqual([]);
    expect(sameSettingValue('recovery_timeout', '170hrs', '1.01190476190476weeks')).toBe(true);
  });

  it('real changes are still drift: values the agent prints differently never compare equal', () => {
    const byPrinted = new Map<string, string>();
    for (const r of valid) byPrinted.set(r.printed, r.text);
    const printed = [...byPrinted.keys()];
    let checked = 0;
    for (let i = 0; i + 1 < printed.length; i += 1) {
      const a = byPrinted.get(printed[i] as string) as string;
      const b = printed[i + 1] as string;
      expect(sameMesosDuration(a, b), `${a} vs ${b}`).toBe(false);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(3000);
  });

  it('refuses what stout refuses', () => {
    for (const r of rows.filter((x) => x.ns === 'invalid')) expect(parseMesosDuration(r.text), r.text).toBeUndefined();
  });
});
