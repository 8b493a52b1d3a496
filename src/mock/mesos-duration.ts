/**
 * Mesos (stout) Duration text, as the mock needs it to turn `MESOS_*` values into what `/flags` prints
 * (../shared/reference/mesos-dcos/README.md §c): `24hrs` is printed `1days`, `1.5mins` → `90secs`.
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

/** Nanoseconds, or undefined when Mesos would refuse the value (no unit, spaces, negative, wrong case). */
export function parseMesosDuration(text: string): number | undefined {
  const m = /^([0-9.]+)(ns|us|ms|secs|mins|hrs|days|weeks)$/.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = NS_PER[m[2] as string];
  if (!Number.isFinite(value) || unit === undefined) return undefined;
  return Math.round(value * unit);
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
