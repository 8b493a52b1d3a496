/**
 * Mesos (stout) Duration text (../shared/reference/mesos-dcos/README.md §c, stout/duration.hpp): `<number><unit>`
 * and nothing else. stout reads the number as a double and truncates `value × unit` to whole nanoseconds
 * (`70.314mins` → 4218839999999ns, `0.5ns` → 0). `/flags` re-prints durations with 15 significant digits
 * (`24hrs` → `1days`, `170hrs` → `1.01190476190476weeks`), which loses precision: re-parsing that text does not
 * give the agent's nanoseconds back, so a file value is compared with `/flags` by printing it as the agent does.
 */

const NS_PER: Record<string, number> = {
  ns: 1,
  us: 1e3,
  ms: 1e6,
  secs: 1e9,
  mins: 60e9,
  hrs: 3600e9,
  days: 86400e9,
  weeks: 604800e9,
};
const UNITS_ASCENDING = ['ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', 'weeks'] as const;
/** stout keeps nanoseconds in an int64. */
const MAX_NS = 9_223_372_036_854_775_807;

export const NS_PER_SECOND = 1e9;

/** Why Mesos refuses the text as a Duration, or undefined when it accepts it. */
export function mesosDurationProblem(text: string): string | undefined {
  const m = /^([0-9.]*)(.*)$/s.exec(text) as RegExpExecArray;
  const [, number = '', unit = ''] = m;
  if (unit === '') return text === '' ? 'empty duration' : `no unit (Mesos needs one of ${UNITS_ASCENDING.join(', ')})`;
  if (number === '') return 'it must start with a number';
  if (!Number.isFinite(Number(number))) return `'${number}' is not a number`;
  if (NS_PER[unit] === undefined) return `unknown unit '${unit}'`;
  // stout's own check lets exactly 2^63 through, then overflows int64: treated as too large here.
  if (Number(number) * (NS_PER[unit] as number) >= MAX_NS) return 'too large for a Mesos duration';
  return undefined;
}

/**
 * Nanoseconds as stout computes them (double product, truncated toward zero), or undefined when Mesos would
 * refuse the value (no unit, spaces, negative, wrong case). Exact below 2^53 ns (104 days); above, the double
 * nearest to stout's int64, which the printed form cannot tell apart.
 */
export function parseMesosDuration(text: string): number | undefined {
  if (mesosDurationProblem(text) !== undefined) return undefined;
  const m = /^([0-9.]+)(ns|us|ms|secs|mins|hrs|days|weeks)$/.exec(text) as RegExpExecArray;
  return Math.trunc(Number(m[1]) * (NS_PER[m[2] as string] as number));
}

/** stout's operator<<: the unit the magnitude falls into, or the next smaller one when that gives a whole number. */
export function formatMesosDuration(ns: number): string {
  if (ns < 1e3) return `${ns}ns`;
  for (let i = UNITS_ASCENDING.length - 1; i >= 1; i--) {
    const unit = UNITS_ASCENDING[i] as string;
    const smaller = UNITS_ASCENDING[i - 1] as string;
    const size = NS_PER[unit] as number;
    if (ns < size) continue;
    const smallerSize = NS_PER[smaller] as number;
    if (ns % size !== 0 && ns % smallerSize === 0) return `${printDouble(ns / smallerSize)}${smaller}`;
    return `${printDouble(ns / size)}${unit}`;
  }
  return `${ns}ns`;
}

/** C++ stream output with precision digits10 (15 significant digits, trailing zeros dropped). */
function printDouble(value: number): string {
  return String(Number(value.toPrecision(15)));
}

/**
 * Whether two duration texts name the value an agent would report for both: equal when either prints (as the
 * agent does) to the other's text, or both print alike. `/flags` text re-parsed is only an approximation of the
 * agent's nanoseconds, so numbers alone would show drift that is not there.
 */
export function sameMesosDuration(a: string, b: string): boolean {
  const na = parseMesosDuration(a);
  const nb = parseMesosDuration(b);
  if (na === undefined || nb === undefined) return a === b;
  const pa = formatMesosDuration(na);
  const pb = formatMesosDuration(nb);
  return na === nb || pa === b || pb === a || pa === pb;
}

/** Re-print a duration the way the agent reports it, or keep the text when it does not parse. */
export function normalizeMesosDuration(text: string): string {
  const ns = parseMesosDuration(text);
  return ns === undefined ? text : formatMesosDuration(ns);
}
