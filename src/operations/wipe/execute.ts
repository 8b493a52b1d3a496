import { mkdirSync } from 'node:fs';
import type { AgentAccess } from '../../agent/access.js';
import { FenceRefusal } from '../../agent/operations.js';
import type { AgentTarget } from '../../agent/settings.js';
import type { ClusterClients } from '../../context/context.js';
import { CliError, isCliError } from '../../core/errors.js';
import type { TaskWipePlan, VolumeWipePlan } from '../../domain/wipe-plan.js';
import type { Journal } from '../../journal/journal.js';
import { archiveVolume, clusterVersions, LONG_STEP_MS, type ClusterVersions } from '../backup/archive.js';
import { mapSettledLimit } from '../../core/map-limit.js';
import { runByAgent } from '../agent-batches.js';
import { step } from './preflight.js';
import { recheckQueue, type RecheckQueue } from './recheck.js';
import { instanceOf } from '../../domain/wipe-recheck.js';
import type { TaskWipeResult } from '../../domain/wipe-plan.js';

export type { TaskWipeResult, WipeOutcome } from '../../domain/wipe-plan.js';

export interface ExecuteOptions {
  journal: Journal;
  backupDir?: string;
  failFast: boolean;
  concurrency: number;
  signal: AbortSignal;
  onProgress: (message: string) => void;
  /** Called as each task's steps end (its result so far), for the n/N progress line. */
  onTaskDone?: (result: TaskWipeResult) => void;
}

/**
 * Carries out exactly the plans it is given, each step journaled before and after. Tasks on different
 * agents run concurrently (bounded); tasks on one agent one after another. Right before each destructive
 * step the task is read fresh (recheckQueue: concurrent tasks share the reads, never an older one): before
 * the backup, before the delete (and the delete itself runs behind the agent-side fence), before the expunge. After Ctrl-C (signal) the current step
 * finishes and nothing new starts.
 */
export async function executeWipe(
  clients: ClusterClients,
  access: AgentAccess | undefined,
  plans: TaskWipePlan[],
  options: ExecuteOptions,
): Promise<TaskWipeResult[]> {
  if (options.backupDir) mkdirSync(options.backupDir, { recursive: true, mode: 0o700 });
  const versions = options.backupDir ? await clusterVersions(clients, plans.map((p) => p.agentId)) : undefined;
  const results = new Map(plans.map((p) => [p.task, newResult(p)]));
  const recheck = recheckQueue(clients);
  const outcomes = await runByAgent(
    plans,
    {
      agentOf: (p) => p.agentId ?? p.task,
      concurrency: options.concurrency,
      signal: options.signal,
      failFast: options.failFast,
      onItemDone: (i) => options.onTaskDone?.(results.get(plans[i]?.task ?? '') as TaskWipeResult),
    },
    (plan, stop) => wipeOne(clients, recheck, access, plan, results.get(plan.task) as TaskWipeResult, options, stop, versions),
  );
  outcomes.forEach((outcome, i) => {
    const result = results.get(plans[i]?.task ?? '') as TaskWipeResult;
    if (outcome.status === 'not-started') [result.outcome, result.error] = ['interrupted', 'not started'];
    if (outcome.status === 'failed') [result.outcome, result.error] = ['failed', outcome.error];
  });
  await verifyGone(clients, [...results.values()], options.journal);
  return plans.map((p) => results.get(p.task) as TaskWipeResult);
}

/** Re-reads the task; false (and the result says why) when it must not be touched any more. */
async function stillSafe(recheck: RecheckQueue, plan: TaskWipePlan, result: TaskWipeResult, before: string, journal: Journal): Promise<boolean> {
  const verdict = await recheck(plan);
  if (verdict.ok) return true;
  const reasons = verdict.reasons.join('; ');
  if (result.dataDeletedAt !== null) {
    result.outcome = verdict.relaunched ? 'relaunched' : 'deleted-not-expunged';
    result.error = verdict.relaunched
      ? `its data was deleted at ${result.dataDeletedAt}, then ${reasons}; the expunge was not sent — the instance now runs on an empty volume` +
        (result.backups.length > 0 ? `; the backup is at ${result.backups.join(', ')}` : '; no backup was made')
      : `its data was deleted at ${result.dataDeletedAt}, but ${before} was not done: ${reasons}`;
  } else if (verdict.gone) {
    result.outcome = 'skipped';
    result.error = `${reasons}; nothing was done`;
  } else {
    result.outcome = 'refused';
    result.error = `refused ${before}: ${reasons}; nothing was done`;
  }
  journal.record(plan.task, step.recheck, 'failed', { outcome: result.outcome, before, reasons: verdict.reasons });
  return false;
}

async function wipeOne(
  clients: ClusterClients,
  recheck: RecheckQueue,
  access: AgentAccess | undefined,
  plan: TaskWipePlan,
  result: TaskWipeResult,
  options: ExecuteOptions,
  stop: () => boolean,
  versions: ClusterVersions | undefined,
): Promise<void> {
  const { journal } = options;
  const task = plan.task;
  if (!plan.skipData) {
    if (!access) throw new Error('internal: data steps without agent access');
    const target = access.target({ id: plan.agentId, host: plan.host ?? '' });
    for (const v of plan.volumes) {
      const deleteStep = step.delete(v.containerPath);
      const alreadyDeleted = journal.isDone(task, deleteStep) && !v.deleteAgain;
      if (alreadyDeleted) {
        recordDeleted(result, journal.doneDetail(task, deleteStep), journal.doneAt(task, deleteStep) ?? null);
        continue;
      }
      if (stop()) return interrupted(result, `before deleting ${v.hostPath}`);
      if (!(await stillSafe(recheck, plan, result, `deleting ${v.hostPath}`, journal))) return;
      // A backup already made is reused.
      if (options.backupDir && versions) {
        result.backups.push(await backup(access, plan, v, options, versions));
        if (stop()) return interrupted(result, `before deleting ${v.hostPath}`);
        if (!(await stillSafe(recheck, plan, result, `deleting ${v.hostPath}`, journal))) return;
      }
      let deleted;
      try {
        deleted = await journal.runStep(
          task,
          deleteStep,
          async () => {
            options.onProgress(`${task}: deleting the contents of ${v.hostPath} on ${plan.host}`);
            return deleteVolume(access, target, v);
          },
          { started: { agent: plan.agentId, path: v.hostPath }, again: v.deleteAgain },
        );
      } catch (e) {
        if (!(e instanceof FenceRefusal)) throw e;
        result.outcome = result.dataDeletedAt === null ? 'refused' : 'deleted-not-expunged';
        result.error = e.message;
        return;
      }
      recordDeleted(result, deleted.detail, new Date().toISOString());
    }
  }
  if (stop()) return interrupted(result, 'before the expunge');
  if (!journal.isDone(task, step.expunge) && !(await stillSafe(recheck, plan, result, 'the expunge', journal))) return;
  await journal.runStep(
    task,
    step.expunge,
    async () => {
      options.onProgress(`${task}: ${plan.expunge.method} ${plan.expunge.path}`);
      try {
        const answer = await clients.marathon.killTask(plan.app, task, { wipe: true });
        return { status: answer.status };
      } catch (e) {
        // Already gone (an earlier run expunged it, or Marathon did): that is what we wanted.
        if (isCliError(e) && e.kind === 'not-found') return { status: 404 };
        throw e;
      }
    },
    { started: { request: `${plan.expunge.method} ${plan.expunge.path}` } },
  );
  result.outcome = plan.skipData ? 'expunged' : 'wiped';
}

function recordDeleted(result: TaskWipeResult, detail: Record<string, unknown> | undefined, at: string | null): void {
  result.entriesDeleted += numberOr0(detail?.removed);
  result.bytesDeleted += numberOr0(detail?.bytes);
  result.dataDeletedAt ??= at;
  if (detail?.confirmed === false) result.deleteConfirmed = false;
  else result.deleteConfirmed ??= true;
}

/**
 * The fenced delete. When the command ran but its report was lost (connection dropped, output cut),
 * the directory is inspected again: what is gone is reported as deleted, not confirmed — never as a
 * failure of data that no longer exists.
 */
async function deleteVolume(access: AgentAccess, target: AgentTarget, v: VolumeWipePlan): Promise<Record<string, unknown>> {
  const fence = { base: v.fenceBase, ...(v.deviceInode ? { expect: v.deviceInode } : {}) };
  try {
    const removed = await access.fs.deleteContentsFenced(target, v.hostPath, fence, { timeoutMs: LONG_STEP_MS });
    return { removed: removed.removed, bytes: v.bytes, confirmed: true };
  } catch (e) {
    if (e instanceof FenceRefusal || (isCliError(e) && (e.kind === 'refused' || e.kind === 'not-found'))) throw e;
    let now;
    try {
      [now] = await access.fs.inspect(target, [v.hostPath]);
    } catch {
      throw new CliError('remote', `${(e as Error).message}; the directory could not be re-inspected: whether anything was deleted is unknown (re-run to re-inspect)`);
    }
    const entries = now?.size?.entries;
    if (entries === 0) return { removed: v.entries ?? 0, bytes: v.bytes, confirmed: false, lostReport: (e as Error).message };
    const gone = v.entries !== null && entries !== undefined ? Math.max(0, v.entries - entries) : 0;
    const bytesGone = v.bytes !== null && now?.size ? Math.max(0, v.bytes - now.size.bytes) : 0;
    throw new CliError(
      'remote',
      `${(e as Error).message}; re-inspected: ${gone} of ${v.entries ?? '?'} entries (${bytesGone} bytes) are gone, ${entries ?? '?'} remain`,
    );
  }
}

const numberOr0 = (value: unknown) => (typeof value === 'number' ? value : 0);

/** The volume archived in the format `volumes restore` reads (one code path for every backup). */
async function backup(access: AgentAccess, plan: TaskWipePlan, v: VolumeWipePlan, options: ExecuteOptions, versions: ClusterVersions): Promise<string> {
  const outcome = await options.journal.runStep(
    plan.task,
    step.backup(v.containerPath),
    async () => {
      options.onProgress(`${plan.task}: archiving ${v.hostPath} into ${options.backupDir}`);
      const volume = { app: plan.app, task: plan.task, agentId: plan.agentId, host: plan.host ?? '', persistenceId: v.persistenceId, containerPath: v.containerPath, hostPath: v.hostPath, live: false };
      const written = await archiveVolume(access, volume, options.backupDir as string, versions);
      const a = written.manifest.archive;
      return { file: written.archive, manifest: written.manifestFile, entries: a.entries, bytes: a.bytes, sha256: a.sha256 };
    },
    { started: { dir: options.backupDir }, failed: { dir: options.backupDir } },
  );
  const file = outcome.detail?.file;
  if (typeof file !== 'string') throw new CliError('error', `the journal's record of the backup of ${v.hostPath} names no file; re-run`);
  return file;
}

function interrupted(result: TaskWipeResult, where: string): void {
  result.outcome = 'interrupted';
  result.error = `stopped ${where}`;
}

function newResult(plan: TaskWipePlan): TaskWipeResult {
  return {
    app: plan.app,
    task: plan.task,
    agentId: plan.agentId,
    host: plan.host,
    outcome: 'failed',
    bytesDeleted: 0,
    entriesDeleted: 0,
    dataDeletedAt: null,
    deleteConfirmed: null,
    backups: [],
    error: null,
    dataLeftOnDisk: plan.skipData ? { host: plan.host, paths: plan.volumes.map((v) => v.hostPath).filter(Boolean) } : null,
  };
}

/**
 * Success is judged by re-reading, not by the DELETE's answer (its body differs per version and the
 * volume is only destroyed at the agent's next offer): each expunged task must be gone from its app.
 */
async function verifyGone(clients: ClusterClients, results: TaskWipeResult[], journal: Journal): Promise<void> {
  const expunged = results.filter((r) => r.outcome === 'wiped' || r.outcome === 'expunged');
  const apps = [...new Set(expunged.map((r) => r.app))];
  const listed = await mapSettledLimit(apps, 8, (app) => clients.marathon.appTasks(app));
  apps.forEach((app, i) => {
    const answer = listed[i];
    const gone = answer?.status === 'rejected' && isCliError(answer.reason) && answer.reason.kind === 'not-found';
    const ids = answer?.status === 'fulfilled' ? answer.value.map((t) => t.id) : undefined;
    for (const r of expunged.filter((x) => x.app === app)) {
      // Keyed on the instance: a relaunched incarnation under a new id is not "gone".
      const left = ids?.filter((id) => instanceOf(id) === instanceOf(r.task)) ?? [];
      if (gone || (ids && left.length === 0)) {
        journal.record(r.task, step.verify, 'done');
      } else {
        r.outcome = 'failed';
        r.error = ids
          ? `Marathon still lists the instance after the expunge (${left.join(', ')})`
          : `could not re-read the app to confirm: ${(answer as PromiseRejectedResult).reason?.message ?? 'unknown error'}`;
        journal.record(r.task, step.verify, 'failed', { error: r.error });
      }
    }
  });
}
