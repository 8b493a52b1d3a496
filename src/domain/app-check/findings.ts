/** What `apps check` reports: one problem of an app definition, where it is, and what to do. */

export type Severity = 'info' | 'warning' | 'error';

export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'error'];

export interface Finding {
  /** Stable, for scripts and suppressions: `upgrade-max-over-capacity`, `volume-size`, … */
  id: string;
  severity: Severity;
  /** JSON pointer into the app definition, like Marathon's validation `path`. */
  path: string;
  message: string;
  remedy: string;
}

export function severityAtLeast(severity: Severity, level: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(level);
}

export function finding(id: string, severity: Severity, path: string, message: string, remedy: string): Finding {
  return { id, severity, path, message, remedy };
}

/** A JSON object's field, or undefined for anything that is not an object. */
export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

export function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
