import type { TaskWipeResult } from '../operations/wipe/execute.js';
import type { PurgeResult } from '../operations/orphans/purge.js';
import type { ReleaseResult } from '../operations/orphans/release.js';
import { formatBytes } from './bytes.js';

/**
 * The one line that ends every destructive run, on stderr (stdout keeps the table or the JSON), in a
 * fixed shape scripts and operators can grep: counts, bytes freed, the journal to look in.
 */
export function wipeSummary(results: TaskWipeResult[], refusedInPlan: number, journal: string, skipData: boolean): string {
  const done = results.filter((r) => r.outcome === 'wiped' || r.outcome === 'expunged').length;
  const refused = refusedInPlan + results.filter((r) => r.outcome === 'refused').length;
  const skipped = results.filter((r) => r.outcome === 'skipped').length;
  const failed = results.length - done - skipped - results.filter((r) => r.outcome === 'refused').length;
  return [
    `${done} ${skipData ? 'expunged' : 'wiped'}`,
    `${formatBytes(freedBy(results))} freed`,
    ...(skipped > 0 ? [`${skipped} skipped`] : []),
    `${refused} refused`,
    `${failed} failed`,
    `journal ${journal}`,
  ].join(', ');
}

export function freedBy(results: { bytesDeleted: number }[]): number {
  return results.reduce((acc, r) => acc + r.bytesDeleted, 0);
}

export function orphansSummary(purged: PurgeResult[], released: ReleaseResult[], refusedInPlan: number, journal: string): string {
  const removed = purged.filter((p) => p.outcome === 'removed' || p.outcome === 'removed-unconfirmed').length;
  const releasedCount = released.filter((r) => r.outcome === 'released').length;
  const refused = refusedInPlan + [...purged, ...released].filter((r) => r.outcome === 'refused').length;
  const failed = purged.length + released.length - removed - releasedCount - [...purged, ...released].filter((r) => r.outcome === 'refused').length;
  const bytes = purged.reduce((acc, p) => acc + p.bytes, 0);
  return `${removed} removed, ${formatBytes(bytes)} freed, ${releasedCount} released, ${refused} refused, ${failed} failed, journal ${journal}`;
}

export function tasksProgress(verb: string, done: number, total: number, bytes: number): string {
  return `${verb}: ${done}/${total} tasks, ${formatBytes(bytes)} freed`;
}

export function agentsProgress(done: number, total: number): string {
  return `agents scanned ${done}/${total}`;
}
