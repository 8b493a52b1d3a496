/**
 * systemd time spans (systemd.time(7)) as RestartSec= takes them: `5`, `5s`, `1min 30s`, `100ms`,
 * `infinity`. A bare number is seconds; `5secs` and `6mins` are not valid (systemd's unit table).
 */

const MS_PER_UNIT: Record<string, number> = {
  usec: 0.001, us: 0.001, 'µs': 0.001, 'μs': 0.001,
  msec: 1, ms: 1,
  seconds: 1000, second: 1000, sec: 1000, s: 1000,
  minutes: 60_000, minute: 60_000, min: 60_000, m: 60_000,
  hours: 3_600_000, hour: 3_600_000, hr: 3_600_000, h: 3_600_000,
  days: 86_400_000, day: 86_400_000, d: 86_400_000,
  weeks: 604_800_000, week: 604_800_000, w: 604_800_000,
  months: 2_629_800_000, month: 2_629_800_000, M: 2_629_800_000,
  years: 31_557_600_000, year: 31_557_600_000, y: 31_557_600_000,
};

/** systemd's RestartSec= default. */
export const DEFAULT_RESTART_SEC_MS = 100;

/** Milliseconds (Infinity for `infinity`), or undefined when systemd would reject the value. */
export function parseSystemdTimeSpanMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === 'infinity') return Infinity;
  if (trimmed === '') return undefined;
  let rest = trimmed;
  let total = 0;
  while (rest !== '') {
    // As systemd's parse_time: digits, optionally `.digits` (not `3.` nor `.5`), blanks, then a unit.
    const m = /^(\d+(?:\.\d+)?)\s*([A-Za-zµμ]*)\s*/.exec(rest);
    if (!m) return undefined;
    const unit = m[2] === '' ? 's' : (m[2] as string);
    const factor = MS_PER_UNIT[unit];
    if (factor === undefined) return undefined;
    total += Number(m[1]) * factor;
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** `6min` → `360s`, `100ms` → `0.1s`: one unit for comparing with Mesos windows. */
export function formatMs(ms: number): string {
  if (ms === Infinity) return 'infinity';
  return `${Number((ms / 1000).toPrecision(6))}s`;
}
