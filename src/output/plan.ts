import { printable } from '../domain/mesos-ids.js';
import { formatBytes } from './bytes.js';
import type { PlannedRefusal } from '../domain/wipe-plan.js';

export type { PlannedRefusal } from '../domain/wipe-plan.js';

/**
 * The pieces of a destructive command's plan, printed the same way by every such command: the plan is
 * exactly what the execute step will run, so an operator learns to read one format.
 */

export interface PlannedDeletion {
  path: string;
  /** `contents`: everything inside, the directory kept; `directory`: the contents, then the directory itself. */
  scope: 'contents' | 'directory';
  /** A MOUNT disk's root: only its contents ever go. */
  mountRoot?: boolean;
  /** Measured at preflight; null when unknown (already gone on resume). */
  bytes: number | null;
  entries: number | null;
}

export function deleteLine(d: PlannedDeletion): string {
  const size = d.bytes === null ? 'size unknown' : `${formatBytes(d.bytes)}, ${d.entries ?? 0} entries`;
  const what = d.scope === 'contents' ? `contents of ${printable(d.path)}` : `${printable(d.path)} (its contents, then the directory)`;
  return `DELETE  ${what}${d.mountRoot ? ' (mount root kept)' : ''} — ${size}`;
}

/** The refused items and why; empty when nothing was refused. */
export function refusedSection(refused: PlannedRefusal[]): string[] {
  if (refused.length === 0) return [];
  const lines = ['', `Refused (${refused.length}): nothing of these is touched`];
  for (const r of refused) {
    lines.push(`  ${r.item}`);
    for (const reason of r.reasons) lines.push(`    - ${reason}`);
  }
  return lines;
}
