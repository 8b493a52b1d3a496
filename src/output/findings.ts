import type { ChalkInstance } from 'chalk';
import { paintWord } from './colour.js';

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

/** `paint` colours the severity word (on a terminal, see output/colour.ts). */
export function renderFinding(f: FindingRow, paint?: ChalkInstance): string {
  const severity = f.severity.padEnd(7);
  const shown = paint ? severity.replace(f.severity, paintWord(paint, f.severity)) : severity;
  const head = [shown, ...(f.rule ? [f.rule] : []), ...(f.who ? [f.who] : []), ...(f.location ? [f.location] : [])].join('  ');
  return [head, `         ${f.reason}`, `         remedy: ${f.remedy}`].join('\n');
}
