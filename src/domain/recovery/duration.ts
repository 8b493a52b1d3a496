/**
 * Mesos (stout) Duration text (../shared/reference/mesos-dcos/README.md §c): `<number><unit>` and nothing
 * else. `/flags` re-prints durations canonically (`24hrs` → `1days`, `1.5mins` → `90secs`), so durations
 * are compared as numbers, never as strings.
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
  if (Number(number) * (NS_PER[unit] as number) > MAX_NS) return 'too large for a Mesos duration';
  return undefined;
}

/** Nanoseconds, or undefined when Mesos would refuse the value (no unit, spaces, negative, wrong case). */
export function parseMesosDuration(text: string): number | undefined {
  if (mesosDurationProblem(text) !== undefined) return undefined;
  const m = /^([0-9.]+)(ns|us|ms|secs|mins|hrs|days|weeks)$/.exec(text) as RegExpExecArray;
  return Math.round(Number(m[1]) * (NS_PER[m[2] as string] as number));
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

/** Re-print a duration the way the agent reports it, or keep the text when it does not parse. */
export function normalizeMesosDuration(text: string): string {
  const ns = parseMesosDuration(text);
  return ns === undefined ? text : formatMesosDuration(ns);
}
