/** One finding as every check prints it: severity, rule, whose, where; then why and the remedy. */
export interface FindingRow {
  /** A finding's severity, or a state such as `unreachable` that stands in for one. */
  severity: string;
  rule: string | null;
  who: string | null;
  location: string | null;
  reason: string;
  remedy: string;
}

export function renderFinding(f: FindingRow): string {
  const head = [f.severity.padEnd(7), ...(f.rule ? [f.rule] : []), ...(f.who ? [f.who] : []), ...(f.location ? [f.location] : [])].join('  ');
  return [head, `         ${f.reason}`, `         remedy: ${f.remedy}`].join('\n');
}
