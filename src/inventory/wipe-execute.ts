import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentAccess } from '../agent/access.js';
import type { ClusterClients } from '../context.js';
import { CliError, isCliError } from '../errors.js';
import type { TaskWipePlan, VolumeWipePlan } from '../domain/wipe-plan.js';
import type { Journal } from '../journal/journal.js';
import { countTarEntries } from '../safety/tar-verify.js';
import { mapSettledLimit } from '../util/map-limit.js';
import { runByAgent } from './agent-batches.js';
import { step } from './wipe-preflight.js';

export type WipeOutcome = 'wiped' | 'expunged' | 'failed' | 'interrupted';

/** Per task, what happened (README "JSON output" of `wipe`). */
export interface TaskWipeResult {
  app: string;
  task: string;
  agentId: string | null;
  host: string | null;
  outcome: WipeOutcome;
  bytesDeleted: number;
  entriesDeleted: number;
  backups: string[];
  /** The step that failed or was not reached, and why. */
  error: string | null;
  /** --skip-data: where the data stays. */
  dataLeftOnDisk: { host: string | null; paths: string[] } | null;
}

export interface ExecuteOptions {
  journal: Journal;
  backupDir?: string;
  failFast: boolean;
  concurrency: number;
  signal: AbortSignal;
  onProgress: (message: string) => void;
}

/** A delete or archive of a big volume is slow but legitimate; the SSH connect timeout still applies. */
const LONG_STEP_MS = 6 * 60 * 60 * 1000;

/**
 * Carries out exactly the plans it is given, each step journaled before and after. Tasks on different
 * agents run concurrently (bounded); tasks on one agent one after another. After Ctrl-C (signal) the
 * current step finishes and nothing new starts.
 */
export async function executeWipe(
  clients: ClusterClients,
  access: AgentAccess | undefined,
  plans: TaskWipePlan[],
  options: ExecuteOptions,
): Promise<TaskWipeResult[]> {
  if (options.backupDir) mkdirSync(options.backupDir, { recursive: true, mode: 0o700 });
  const results = new Map(plans.map((p) => [p.task, newResult(p)]));
  const outcomes = await runByAgent(
    plans,
    { agentOf: (p) => p.agentId ?? p.task, concurrency: options.concurrency, signal: options.signal, failFast: options.failFast },
    (plan, stop) => wipeOne(clients, access, plan, results.get(plan.task) as TaskWipeResult, options, stop),
  );
  outcomes.forEach((outcome, i) => {
    const result = results.get(plans[i]?.task ?? '') as TaskWipeResult;
    if (outcome.status === 'not-started') [result.outcome, result.error] = ['interrupted', 'not started'];
    if (outcome.status === 'failed') [result.outcome, result.error] = ['failed', outcome.error];
  });
  await verifyGone(clients, [...results.values()], options.journal);
  return plans.map((p) => results.get(p.task) as TaskWipeResult);
}

async function wipeOne(
  clients: ClusterClients,
  access: AgentAccess | undefined,
  plan: TaskWipePlan,
  result: TaskWipeResult,
  options: ExecuteOptions,
  stop: () => boolean,
): Promise<void> {
  const { journal } = options;
  const task = plan.task;
  if (!plan.skipData) {
    if (!access) throw new Error('internal: data steps without agent access');
    const target = access.target({ id: plan.agentId, host: plan.host ?? '' });
    for (const v of plan.volumes) {
      const deleteStep = step.delete(v.containerPath);
      // A backup already made is reused; none is made for data an earlier run already deleted.
      if (options.backupDir && (journal.isDone(task, step.backup(v.containerPath)) || !journal.isDone(task, deleteStep))) {
        result.backups.push(await backup(access, target, plan, v, options));
      }
      if (stop()) return interrupted(result, `before deleting ${v.hostPath}`);
      const deleted = await journal.runStep(
        task,
        deleteStep,
        async () => {
          options.onProgress(`${task}: deleting the contents of ${v.hostPath} on ${plan.host}`);
          const removed = await access.fs.deleteContents(target, v.hostPath, { timeoutMs: LONG_STEP_MS });
          return { removed: removed.removed, bytes: v.bytes };
        },
        { started: { agent: plan.agentId, path: v.hostPath } },
      );
      result.entriesDeleted += numberOr0(deleted.detail?.removed);
      result.bytesDeleted += numberOr0(deleted.detail?.bytes);
    }
  }
  if (stop()) return interrupted(result, 'before the expunge');
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

const numberOr0 = (value: unknown) => (typeof value === 'number' ? value : 0);

async function backup(
  access: AgentAccess,
  target: ReturnType<AgentAccess['target']>,
  plan: TaskWipePlan,
  v: VolumeWipePlan,
  options: ExecuteOptions,
): Promise<string> {
  const file = join(options.backupDir as string, backupFileName(plan, v));
  const outcome = await options.journal.runStep(
    plan.task,
    step.backup(v.containerPath),
    async () => {
      options.onProgress(`${plan.task}: archiving ${v.hostPath} to ${file}`);
      const archived = await access.fs.tarDirectory(target, v.hostPath, file, { timeoutMs: LONG_STEP_MS });
      const local = await countTarEntries(file);
      if (local !== archived.entries) {
        throw new CliError('error', `backup ${file} holds ${local} entries but the agent counted ${archived.entries}; not deleting`);
      }
      return { file, entries: local, bytes: archived.bytes };
    },
    { started: { file }, failed: { file } },
  );
  return typeof outcome.detail?.file === 'string' ? outcome.detail.file : file;
}

/** `<app>__<task>__<container path>.tar`, with anything unusual in a file name replaced. */
export function backupFileName(plan: TaskWipePlan, v: VolumeWipePlan): string {
  const safe = (s: string) => s.replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]/g, '_');
  return `${safe(plan.app)}__${safe(plan.task)}__${safe(v.containerPath)}.tar`;
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
    const ids = answer?.status === 'fulfilled' ? new Set(answer.value.map((t) => t.id)) : undefined;
    for (const r of expunged.filter((x) => x.app === app)) {
      if (gone || (ids && !ids.has(r.task))) {
        journal.record(r.task, step.verify, 'done');
      } else {
        r.outcome = 'failed';
        r.error = ids
          ? 'Marathon still lists the task after the expunge'
          : `could not re-read the app to confirm: ${(answer as PromiseRejectedResult).reason?.message ?? 'unknown error'}`;
        journal.record(r.task, step.verify, 'failed', { error: r.error });
      }
    }
  });
}
