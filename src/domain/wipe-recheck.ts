import type { MarathonApp, MarathonDeployment, MarathonTask } from '../model/marathon.js';
import type { MesosAgentState } from '../model/mesos.js';
import { isLaunched, type AgentPresence } from './waiting.js';
import { parseTaskId } from './task-id.js';

/**
 * The rules that decide, right before a destructive step, whether a planned task may still be touched.
 * A cluster moves between the plan and the act: the app is scaled up and Marathon relaunches the
 * reservation, a deployment starts, the agent leaves, another operator wipes the task first. Marathon
 * 1.4+ resolves any incarnation's id to the current instance, so a DELETE with the old id would kill
 * the relaunched task: everything here is keyed on the instance, not on the task id.
 */

/** `<app>.<uuid>`, `<app>.instance-<uuid>`: the instance a task id belongs to, whatever its incarnation. */
export function instanceOf(taskId: string): string {
  const parsed = parseTaskId(taskId);
  return parsed?.reservationLabels[1] ?? parsed?.reservationLabels[0] ?? taskId;
}

/**
 * Contradictions in what Marathon lists, per task id: two entries with one id, one instance listed
 * launched and waiting at once, one persistence id claimed by two tasks. Any of them means the listing
 * cannot be trusted for those tasks.
 */
export function taskConflicts(tasks: readonly MarathonTask[]): Map<string, string[]> {
  const conflicts = new Map<string, string[]>();
  const add = (id: string, reason: string) => {
    const list = conflicts.get(id) ?? [];
    if (!list.includes(reason)) list.push(reason);
    conflicts.set(id, list);
  };
  const byId = new Map<string, MarathonTask[]>();
  const byInstance = new Map<string, MarathonTask[]>();
  const byPersistenceId = new Map<string, Set<string>>();
  for (const t of tasks) {
    byId.set(t.id, [...(byId.get(t.id) ?? []), t]);
    byInstance.set(instanceOf(t.id), [...(byInstance.get(instanceOf(t.id)) ?? []), t]);
    for (const v of t.localVolumes ?? []) {
      byPersistenceId.set(v.persistenceId, (byPersistenceId.get(v.persistenceId) ?? new Set()).add(t.id));
    }
  }
  for (const [id, entries] of byId) {
    if (entries.length > 1) add(id, `Marathon lists task '${id}' ${entries.length} times`);
  }
  for (const entries of byInstance.values()) {
    const launched = entries.filter(isLaunched);
    if (launched.length > 0 && launched.length < entries.length) {
      for (const t of entries) add(t.id, `instance ${instanceOf(t.id)} is listed both launched (${launched.map((x) => x.id).join(', ')}) and waiting`);
    }
  }
  for (const [pid, ids] of byPersistenceId) {
    if (ids.size < 2) continue;
    for (const id of ids) add(id, `persistence id '${pid}' is claimed by ${ids.size} tasks (${[...ids].join(', ')})`);
  }
  return conflicts;
}

/** What a re-check found; `relaunched` tells the caller that a new incarnation now owns the volume. */
export type RecheckVerdict =
  | { ok: true; stagedAt: string | null }
  | { ok: false; relaunched: boolean; gone: boolean; reasons: string[] };

export interface FreshView {
  /** The app as Marathon lists it now, with its tasks; null = the app is gone. */
  app: MarathonApp | null;
  tasks: readonly MarathonTask[];
  deployments: readonly MarathonDeployment[];
  /** The master's view of the task's agent now. */
  agentPresence: AgentPresence;
  /** The agent's own /state now; null when not read (--skip-data: the agent is gone). */
  agentState: MesosAgentState | null;
}

export interface PlannedTask {
  app: string;
  task: string;
  persistenceIds: readonly string[];
  /** Only the expunge will run (the agent is gone and its data stays). */
  skipData: boolean;
  /**
   * The task's `stagedAt` when it was planned (null: not launched, i.e. waiting). A task on a lost agent
   * may be launched (TASK_UNREACHABLE) at plan time; only a launch after the plan is a relaunch.
   */
  stagedAt: string | null;
}

/** Instances Marathon has launched: it relaunches a waiting reservation whenever `instances` exceeds this. */
export function launchedCount(tasks: readonly MarathonTask[]): number {
  return new Set(tasks.filter(isLaunched).map((t) => instanceOf(t.id))).size;
}

const TERMINAL = new Set([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
  'TASK_LOST',
]);

/** Whether a Mesos task state is final (the container is gone). */
export function isTerminalMesosState(state: string | undefined): boolean {
  return state !== undefined && TERMINAL.has(state);
}

function resourcePersistenceIds(resources: unknown): string[] {
  const list = Array.isArray(resources) ? resources : [];
  return list.flatMap((r: unknown) => {
    const id = (r as { disk?: { persistence?: { id?: unknown } } } | null)?.disk?.persistence?.id;
    return typeof id === 'string' ? [id] : [];
  });
}

/**
 * What in the agent's own state uses the task's instance or volumes: a non-terminal task of the same
 * instance, or an executor or non-terminal task whose resources carry one of the persistence ids.
 */
export function agentUsers(state: MesosAgentState, instance: string, persistenceIds: readonly string[]): string[] {
  const found: string[] = [];
  for (const framework of state.frameworks ?? []) {
    for (const executor of framework.executors ?? []) {
      const executorVolumes = resourcePersistenceIds(executor.resources).filter((id) => persistenceIds.includes(id));
      if (executorVolumes.length > 0) found.push(`executor ${executor.id} holds volume ${executorVolumes.join(', ')}`);
      for (const task of executor.tasks ?? []) {
        if (isTerminalMesosState(task.state)) continue;
        const volumes = resourcePersistenceIds(task.resources).filter((id) => persistenceIds.includes(id));
        if (instanceOf(task.id) === instance || volumes.length > 0) {
          found.push(`task ${task.id} is ${task.state ?? 'live'} on the agent${volumes.length > 0 ? ` with volume ${volumes.join(', ')}` : ''}`);
        }
      }
    }
  }
  return [...new Set(found)];
}

function deploymentsTouching(deployments: readonly MarathonDeployment[], appId: string): MarathonDeployment[] {
  return deployments.filter((d) => d.affectedApps.includes(appId) || d.currentApps.includes(appId));
}

/**
 * Decide whether the planned task may still be touched. Refuses when the task disappeared, relaunched
 * (launched, or a newer incarnation of the instance), is contradicted by the listing, when a deployment
 * touches the app, when the app wants more instances than are launched (Marathon may relaunch this
 * reservation any moment), when the agent left or came back (--skip-data), or when the agent's own
 * state shows something using the instance or its volumes.
 */
export function recheckTask(planned: PlannedTask, fresh: FreshView): RecheckVerdict {
  const instance = instanceOf(planned.task);
  const entries = fresh.tasks.filter((t) => instanceOf(t.id) === instance);
  if (fresh.app === null || entries.length === 0) {
    return {
      ok: false,
      relaunched: false,
      gone: true,
      reasons: [
        fresh.app === null
          ? `app ${planned.app} no longer exists`
          : `Marathon no longer lists the task (another operator or Marathon expunged it)`,
      ],
    };
  }
  const reasons: string[] = [];
  const conflicts = taskConflicts(fresh.tasks);
  for (const t of entries) reasons.push(...(conflicts.get(t.id) ?? []));
  const launched = entries.filter((t) => isLaunched(t) && (t.id !== planned.task || t.stagedAt !== planned.stagedAt));
  const newer = entries.filter((t) => t.id !== planned.task);
  const relaunched = launched.length > 0 || newer.length > 0;
  if (launched.length > 0) {
    reasons.push(`the instance relaunched: ${launched.map((t) => `${t.id} is ${t.state ?? 'launched'}`).join(', ')}`);
  } else if (newer.length > 0) {
    reasons.push(`the instance relaunched since the plan: Marathon now lists ${newer.map((t) => t.id).join(', ')}`);
  }
  for (const d of deploymentsTouching(fresh.deployments, planned.app)) {
    reasons.push(`deployment ${d.id} touching ${planned.app} is in progress: wait for it to finish (GET /v2/deployments)`);
  }
  const wanted = fresh.app.instances;
  const running = launchedCount(fresh.tasks);
  if (!relaunched && typeof wanted === 'number' && wanted > running) {
    reasons.push(
      `${planned.app} wants ${wanted} instances but ${running} are launched: Marathon may relaunch this reservation at any moment; scale ${planned.app} to ${running} first`,
    );
  }
  if (planned.skipData) {
    if (fresh.agentPresence === 'active') reasons.push('the agent is back (registered and active): wipe the task without --skip-data so its data is deleted too');
  } else {
    if (fresh.agentPresence !== 'active') reasons.push(`the agent is ${fresh.agentPresence === 'gone' ? 'no longer registered with the master' : fresh.agentPresence}`);
    if (fresh.agentState) reasons.push(...agentUsers(fresh.agentState, instance, planned.persistenceIds).map((u) => `the agent's own state: ${u}`));
  }
  if (reasons.length > 0) return { ok: false, relaunched, gone: false, reasons };
  return { ok: true, stagedAt: entries[0]?.stagedAt ?? null };
}
