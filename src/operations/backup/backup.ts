import { mkdirSync } from 'node:fs';
import type { AgentAccess } from '../../agent/access.js';
import { fanOutByAgent } from '../../agent/fanout.js';
import type { ClusterClients } from '../../context/context.js';
import { isCliError, messageOf, type CliError } from '../../core/errors.js';
import { remoteRefusals, taskPlan, volumeRefusals, type Refusal, type RemoteVolumeFacts, type TaskWipePlan, type WipeCandidate } from '../../domain/wipe-plan.js';
import { preflightWipe } from '../wipe/preflight.js';
import { recheckPlan } from '../wipe/recheck.js';
import { archiveVolume, clusterVersions, type ClusterVersions } from './archive.js';

/** A task whose volumes will be archived; `live`: it runs, the copy is crash-consistent at best. */
export interface BackupTaskPlan {
  plan: TaskWipePlan;
  live: boolean;
}

export type BackupOutcome = 'backed-up' | 'refused' | 'failed' | 'interrupted';

/** Per volume, what happened (README "volumes backup", JSON output). */
export interface VolumeBackupResult {
  app: string;
  task: string;
  containerPath: string;
  host: string | null;
  live: boolean;
  outcome: BackupOutcome;
  archive: string | null;
  manifest: string | null;
  entries: number | null;
  bytes: number | null;
  sha256: string | null;
  warning: string | null;
  error: string | null;
}

const RUNNING_HINT =
  "a running task's volume is being written: scale the app down so the task waits, or pass --live for a crash-consistent copy (the app's own dump, e.g. pg_dump, is the consistent one)";

/**
 * Everything checked before anything is read: a waiting task goes through the same preflight as a wipe
 * (not relaunched, no deployment, agent active, nothing using the volume, the path a real directory that
 * the agent-side user can read); a running one only with `live`, its paths checked the same way.
 */
export async function planBackups(
  clients: ClusterClients,
  access: () => Promise<AgentAccess>,
  candidates: WipeCandidate[],
  options: { live: boolean; signal: AbortSignal },
): Promise<{ tasks: BackupTaskPlan[]; refusals: Refusal[]; contacted: number; failures: CliError[] }> {
  const refusals: Refusal[] = [];
  const waiting: WipeCandidate[] = [];
  const live: WipeCandidate[] = [];
  for (const c of candidates) {
    if (c.task.state === 'waiting') waiting.push(c);
    else if (c.task.state === 'running' && options.live) live.push(c);
    else if (c.task.state === 'running') refusals.push({ app: c.task.app, task: c.task.task, reasons: [RUNNING_HINT] });
    else if (c.task.state === 'agent-lost') refusals.push({ app: c.task.app, task: c.task.task, reasons: [`the task's agent is lost: its volume cannot be reached`] });
    else refusals.push({ app: c.task.app, task: c.task.task, reasons: ['Marathon could not confirm the state of the task'] });
  }
  const pre =
    waiting.length > 0
      ? await preflightWipe(clients, access, waiting, { skipData: false, signal: options.signal, backup: true })
      : { plans: [], refusals: [], contacted: 0, failures: [] };
  let { contacted } = pre;
  const failures = [...pre.failures];
  refusals.push(...pre.refusals);
  const tasks = pre.plans.map((plan) => ({ plan, live: false }));
  if (live.length > 0) {
    const checked = await preflightLive(await access(), live, options.signal);
    refusals.push(...checked.refusals);
    tasks.push(...checked.plans.map((plan) => ({ plan, live: true })));
    contacted += checked.contacted;
    failures.push(...checked.failures);
  }
  return { tasks, refusals, contacted, failures };
}

async function preflightLive(
  agents: AgentAccess,
  candidates: WipeCandidate[],
  signal: AbortSignal,
): Promise<{ plans: TaskWipePlan[]; refusals: Refusal[]; contacted: number; failures: CliError[] }> {
  const refusals: Refusal[] = [];
  const ok = candidates.filter((c) => {
    const reasons = c.volumes.length === 0 ? ['the task has no persistent volumes'] : c.volumes.flatMap((v) => volumeRefusals(v, { allowInUse: true }));
    if (reasons.length > 0) refusals.push({ app: c.task.app, task: c.task.task, reasons });
    return reasons.length === 0;
  });
  // Every volume path of an agent in one ssh call.
  const groups = await fanOutByAgent(
    ok,
    (c) => agents.target({ id: c.task.agentId, host: c.task.host ?? '' }),
    async (target, group, s) => {
      const paths = group.flatMap((c) => c.volumes.map((v) => v.hostPath ?? ''));
      const inspected = await agents.fs.inspect(target, paths, { signal: s });
      return new Map<string, RemoteVolumeFacts>(paths.map((p, i) => [p, inspected[i] ?? { stat: null }]));
    },
    { concurrency: agents.settings.concurrency, perAgentTimeoutMs: agents.settings.perAgentTimeoutMs, signal },
  );
  // Plans and refusals in the order the tasks were given, whatever agent each is on.
  const verdicts = new Map<WipeCandidate, { plan: TaskWipePlan } | { refusal: Refusal }>();
  for (const { items, outcome } of groups) {
    for (const c of items) {
      const reasons = outcome.ok
        ? c.volumes.flatMap((v) => remoteRefusals(v, outcome.value.get(v.hostPath ?? '') ?? { stat: null }, false, true))
        : [`preflight on the agent failed: ${outcome.error.message}`];
      verdicts.set(c, reasons.length > 0 || !outcome.ok ? { refusal: { app: c.task.app, task: c.task.task, reasons } } : { plan: taskPlan(c, false, outcome.value) });
    }
  }
  const plans: TaskWipePlan[] = [];
  for (const c of ok) {
    const v = verdicts.get(c);
    if (v && 'plan' in v) plans.push(v.plan);
    else if (v) refusals.push(v.refusal);
  }
  return { plans, refusals, contacted: groups.length, failures: groups.flatMap(({ outcome }) => (outcome.ok ? [] : [outcome.error])) };
}

/**
 * Archives every planned volume into `dir`. Right before reading a waiting task's volume it is re-read
 * (recheckPlan): a task that relaunched or is being deployed is refused, not copied mid-write. After
 * Ctrl-C (signal) the current archive finishes and nothing new starts.
 */
export async function runBackups(
  clients: ClusterClients,
  access: AgentAccess,
  tasks: BackupTaskPlan[],
  dir: string,
  options: { signal: AbortSignal; onProgress: (m: string) => void },
): Promise<VolumeBackupResult[]> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const versions: ClusterVersions = await clusterVersions(clients, tasks.map((t) => t.plan.agentId));
  const results: VolumeBackupResult[] = [];
  for (const { plan, live } of tasks) {
    for (const v of plan.volumes) {
      const result: VolumeBackupResult = {
        app: plan.app, task: plan.task, containerPath: v.containerPath, host: plan.host, live, outcome: 'failed',
        archive: null, manifest: null, entries: null, bytes: null, sha256: null, warning: null, error: null,
      };
      results.push(result);
      if (options.signal.aborted) {
        [result.outcome, result.error] = ['interrupted', 'not started'];
        continue;
      }
      try {
        if (!live) {
          const verdict = await recheckPlan(clients, { ...plan, skipData: false });
          if (!verdict.ok) {
            [result.outcome, result.error] = ['refused', `refused right before reading: ${verdict.reasons.join('; ')}`];
            continue;
          }
        }
        options.onProgress(`${plan.task}: archiving ${v.hostPath} on ${plan.host ?? '?'} into ${dir}`);
        const volume = { app: plan.app, task: plan.task, agentId: plan.agentId, host: plan.host ?? '', persistenceId: v.persistenceId, containerPath: v.containerPath, hostPath: v.hostPath, live };
        const written = await archiveVolume(access, volume, dir, versions);
        const a = written.manifest.archive;
        Object.assign(result, { outcome: 'backed-up', archive: written.archive, manifest: written.manifestFile, entries: a.entries, bytes: a.bytes, sha256: a.sha256, warning: written.warning ?? null });
      } catch (e) {
        result.error = messageOf(e);
        if (isCliError(e) && e.kind === 'refused') result.outcome = 'refused';
      }
    }
  }
  return results;
}
