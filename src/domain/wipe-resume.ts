import type { StatefulTaskView } from './stateful-tasks.js';
import { parseTaskId } from './task-id.js';
import type { TaskWipeResult } from './wipe-plan.js';
import { instanceOf } from './wipe-recheck.js';

/**
 * How a re-run of `wipe` reads its journal: which requested tasks an earlier run already dealt with, which
 * vanished since, and which relaunched on a volume that run emptied. Pure: the journal's records are given.
 */

/** One journal record, as these rules read it (the journal's entries have this shape). */
export interface ResumeRecord {
  ts: string;
  item: string;
  step: string;
  status: 'started' | 'done' | 'failed' | 'skipped';
  detail?: Record<string, unknown>;
}

/** The last recorded status of a step for an item, as the journal reports it. */
function lastStatus(records: readonly ResumeRecord[], item: string, step: string): ResumeRecord['status'] | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i];
    if (r && r.item === item && r.step === step) return r.status;
  }
  return undefined;
}

/** Sent by an earlier run (done, or started and cut off): its absence from Marathon is that run's doing. */
export function expungedBefore(records: readonly ResumeRecord[], task: string): boolean {
  return ['done', 'started'].includes(lastStatus(records, task, 'expunge') ?? '');
}

/** The task was an item of an earlier (interrupted) run of the same command. */
export function inEarlierRun(records: readonly ResumeRecord[], task: string): boolean {
  return records.some((r) => r.item === task);
}

/** An app Marathon no longer knows is fine only when this journal accounts for every requested task of it. */
export function appGoneIsResumable(records: readonly ResumeRecord[], requested: readonly string[], appId: string): boolean {
  const ofApp = requested.filter((t) => parseTaskId(t)?.appId === appId);
  return ofApp.length > 0 && ofApp.every((t) => expungedBefore(records, t) || inEarlierRun(records, t));
}

export interface RequestedTasks {
  /** Gone because an earlier run expunged them: done. */
  alreadyExpunged: string[];
  /** Items of an interrupted run Marathon no longer lists under that id (relaunched, or expunged by someone else). */
  vanished: string[];
  /** The first requested task that is simply not there (with its instance's new incarnation, if any): nothing may be done. */
  missing?: { id: string; successor: Pick<StatefulTaskView, 'task' | 'state'> | undefined };
}

/** Sorts the requested ids Marathon does not list (`listed`: every incarnation of the requested instances). */
export function sortRequested(records: readonly ResumeRecord[], requested: Iterable<string>, listed: readonly Pick<StatefulTaskView, 'task' | 'state'>[]): RequestedTasks {
  const result: RequestedTasks = { alreadyExpunged: [], vanished: [] };
  for (const id of requested) {
    if (listed.some((t) => t.task === id)) continue;
    const successor = listed.find((t) => instanceOf(t.task) === instanceOf(id));
    if (inEarlierRun(records, id) && (successor !== undefined || !expungedBefore(records, id))) result.vanished.push(id);
    else if (expungedBefore(records, id)) result.alreadyExpunged.push(id);
    else {
      result.missing = { id, successor };
      break;
    }
  }
  return result;
}

/** When an earlier run deleted the task's data (the first delete step it finished), if it did. */
export function dataDeletedAt(records: readonly ResumeRecord[], task: string): string | undefined {
  return records.find((r) => r.item === task && r.step.startsWith('delete:') && r.status === 'done')?.ts;
}

/** A task of the interrupted run whose data that run deleted, relaunched since on the emptied volume. */
export function relaunchedResult(records: readonly ResumeRecord[], id: string, successor: StatefulTaskView, deletedAt: string): TaskWipeResult {
  const backups = records
    .filter((r) => r.item === id && r.step.startsWith('backup:') && r.status === 'done' && typeof r.detail?.file === 'string')
    .map((r) => r.detail?.file as string);
  return {
    app: successor.app,
    task: id,
    agentId: successor.agentId,
    host: successor.host,
    outcome: 'relaunched',
    bytesDeleted: 0,
    entriesDeleted: 0,
    dataDeletedAt: deletedAt,
    deleteConfirmed: null,
    backups,
    error:
      `its data was deleted at ${deletedAt} by the interrupted run, then the instance relaunched as ${successor.task} (${successor.state}); the expunge was not sent` +
      (backups.length > 0 ? `; the backup is at ${backups.join(', ')}` : '; no backup was made'),
    dataLeftOnDisk: null,
  };
}
