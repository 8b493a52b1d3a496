/** What `apps check` reports: the shared finding (src/domain/finding.ts), located in a file by JSON path. */
import type { Finding, Severity } from '../finding.js';

export { SEVERITIES, severityAtLeast, type Severity } from '../finding.js';

/** A rule's finding inside one app definition; `pointer` is a JSON pointer into the app (`/upgradeStrategy/…`). */
export interface RuleFinding {
  rule: string;
  severity: Severity;
  pointer: string;
  reason: string;
  remedy: string;
}

/** `location` is `<file> <path>`: the file, then the JSON path from the document's root (`$.apps[1].container`). */
export interface AppFinding extends Finding {
  /** The app's id as Marathon resolves it (relative ids against their group); null when the app has none. */
  app: string | null;
  file: string;
  path: string;
}

export function finding(rule: string, severity: Severity, pointer: string, reason: string, remedy: string): RuleFinding {
  return { rule, severity, pointer, reason, remedy };
}

/** `$.apps[1]` + `/container/volumes/0` → `$.apps[1].container.volumes[0]`. */
export function jsonPath(base: string, pointer: string): string {
  let path = base;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(key) ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }
  return path;
}

/** A JSON object's field, or undefined for anything that is not an object. */
export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

export function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
