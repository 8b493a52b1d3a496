import { describe, expect, it } from 'vitest';
import { formatMesosDuration, mesosDurationProblem, normalizeMesosDuration, parseMesosDuration } from '../../../../src/domain/recovery/duration.js';

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
});

describe('Mesos durations as /flags prints them', () => {
  it('re-prints like stout', () => {
    const cases: [string, string][] = [
      ['24hrs', '1days'],
      ['48hrs', '2days'],
      ['168hrs', '1weeks'],
      ['1.5mins', '90secs'],
      ['36hrs', '36hrs'],
      ['24.5hrs', '1.02083333333333days'],
      ['0secs', '0ns'],
      ['15mins', '15mins'],
      ['10secs', '10secs'],
    ];
    for (const [input, printed] of cases) expect(normalizeMesosDuration(input), input).toBe(printed);
  });

  it('refuses what Mesos refuses and leaves it untouched', () => {
    for (const bad of ['15', '15 mins', '15MINS', '15min', '-5secs', ' 15mins']) {
      expect(parseMesosDuration(bad), bad).toBeUndefined();
      expect(normalizeMesosDuration(bad)).toBe(bad);
    }
    expect(formatMesosDuration(1500)).toBe('1500ns');
  });
});
