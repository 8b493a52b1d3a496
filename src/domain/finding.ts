/**
 * One problem a check found, in the words every check uses (`agent recovery-config`, `apps check`): which
 * rule, how bad, where (a `file:line`, a file and JSON path, an endpoint; null for a built-in default),
 * why, and what to do. Checks add their own keys; these are the ones scripts can rely on everywhere.
 */

export type Severity = 'info' | 'warning' | 'error';

/** Lowest first. */
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'error'];
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export interface Finding {
  /** Stable, for scripts and suppressions: `recover-cleanup`, `volume-size`, … */
  rule: string;
  severity: Severity;
  location: string | null;
  reason: string;
  remedy: string;
}

export function severityAtLeast(severity: Severity, level: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[level];
}

export function worstSeverity(findings: readonly Pick<Finding, 'severity'>[]): Severity {
  return findings.reduce<Severity>((worst, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst] ? f.severity : worst), 'info');
}
