import type { ClusterClients } from '../../context/context.js';
import { isCliError, notFound } from '../../core/errors.js';
import { mapSettledLimit } from '../../core/map-limit.js';
import type { TaskWipeResult, WipeCandidate } from '../../domain/wipe-plan.js';
import { instanceOf } from '../../domain/wipe-recheck.js';
import { appGoneIsResumable, dataDeletedAt, relaunchedResult, sortRequested, type ResumeRecord } from '../../domain/wipe-resume.js';
import { inventoryVolumes, type VolumeInventory } from '../volumes/list.js';

/** What `wipe` was asked for: the apps to read, and the task ids (none: every waiting task of the app). */
export interface WipeTargets {
  appIds: string[];
  taskIds: Set<string> | undefined;
}

export interface ResolvedTargets {
  inventory: VolumeInventory;
  candidates: WipeCandidate[];
  alreadyExpunged: string[];
  vanished: string[];
  /** Tasks whose data an interrupted run deleted, relaunched since: reported, never touched again. */
  relaunchedSince: TaskWipeResult[];
  /** For the operator, in order: what was skipped or left out, and why. */
  notes: { level: 'warn' | 'info'; text: string }[];
}

/**
 * The tasks a wipe acts on, read from Marathon. An app that is gone is fine only if this journal expunged
 * its tasks; resuming, a task of the interrupted run that has since disappeared is skipped, not an error.
 */
export async function resolveWipeTargets(clients: ClusterClients, targets: WipeTargets, records: readonly ResumeRecord[], skipData: boolean): Promise<ResolvedTargets> {
  const requested = [...(targets.taskIds ?? [])];
  const requestedInstances = new Set(requested.map(instanceOf));
  const apps = await mapSettledLimit(targets.appIds, 8, (id) => clients.marathon.app(id));
  const found = apps.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
  apps.forEach((a, i) => {
    if (a.status === 'fulfilled') return;
    const resumable = appGoneIsResumable(records, requested, targets.appIds[i] ?? '');
    if (!resumable || !(isCliError(a.reason) && a.reason.kind === 'not-found')) throw a.reason;
  });
  const inventory = await inventoryVolumes(
    clients,
    Promise.resolve(found),
    // Every incarnation of the requested instances: a relaunch since an interrupted run must be seen.
    (t) => targets.taskIds === undefined || requestedInstances.has(instanceOf(t.id)),
  );
  const { alreadyExpunged, vanished, missing } = sortRequested(records, requested, inventory.tasks);
  if (missing) {
    throw notFound(
      missing.successor
        ? `Task '${missing.id}' does not exist any more: its instance relaunched as ${missing.successor.task} (${missing.successor.state})`
        : `Task '${missing.id}' does not exist (or has no persistent volumes)`,
      'Nothing was changed.',
    );
  }
  const notes: ResolvedTargets['notes'] = [];
  const relaunchedSince: TaskWipeResult[] = [];
  for (const id of vanished) {
    const successor = inventory.tasks.find((t) => instanceOf(t.task) === instanceOf(id));
    const deletedAt = dataDeletedAt(records, id);
    if (successor && deletedAt) {
      relaunchedSince.push(relaunchedResult(records, id, successor, deletedAt));
    } else if (successor) {
      notes.push({ level: 'warn', text: `${id}: relaunched since the interrupted run as ${successor.task} (${successor.state}); nothing of it was deleted; skipped.` });
    } else {
      notes.push({ level: 'warn', text: `${id}: no longer listed by Marathon since the interrupted run (expunged by someone else); skipped.` });
    }
  }
  // --all-waiting: the waiting tasks; with --skip-data, those whose agent is lost (their data is unreachable).
  const wanted = skipData ? 'agent-lost' : 'waiting';
  const selected = inventory.tasks.filter((t) => (targets.taskIds !== undefined ? targets.taskIds.has(t.task) : t.state === wanted));
  if (targets.taskIds === undefined) {
    const other = inventory.tasks.filter((t) => t.state === (skipData ? 'waiting' : 'agent-lost')).length;
    if (other > 0) {
      notes.push({
        level: 'info',
        text: skipData
          ? `${other} waiting task(s) on live agents not included: wipe them without --skip-data.`
          : `${other} task(s) on lost agents not included: their data is unreachable; use --skip-data to expunge them.`,
      });
    }
  }
  const candidates: WipeCandidate[] = selected.map((task) => ({ task, volumes: inventory.details.filter((d) => d.task === task.task) }));
  return { inventory, candidates, alreadyExpunged, vanished, relaunchedSince, notes };
}
