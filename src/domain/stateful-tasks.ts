import type { MarathonTask } from '../model/marathon.js';
import { validatePersistenceId } from './mesos-ids.js';
import type { ClusterReservations, MesosVolume } from './reservations.js';
import { parseTaskId } from './task-id.js';
import { classifyStatefulTask, isStatefulTask, type AgentPresence } from './waiting.js';

/** One row of `tasks list` — also its documented JSON shape (README "JSON output"). */
export interface StatefulTaskView {
  app: string;
  task: string;
  host: string | null;
  agentId: string | null;
  /** waiting | running | agent-lost; `unknown` only for rows known from Mesos alone (Marathon unreachable). */
  state: 'waiting' | 'running' | 'agent-lost' | 'unknown';
  /** Marathon's `state` field as sent (absent in 1.1.1 → null). */
  marathonState: string | null;
  agentStatus: AgentPresence;
  /** The reservation and volume never time out on their own: only a manual wipe frees them. */
  needsManualWipe: boolean;
  note: string | null;
  /** Role the volumes are reserved for: task `role` (1.9+), else the Mesos reservation's, else null. */
  role: string | null;
  volumes: VolumeView[];
}

export interface VolumeView {
  containerPath: string;
  persistenceId: string;
  /** Fails Mesos's own id rules: it can never be turned into a path. */
  persistenceIdValid: boolean;
  persistenceIdProblem: string | null;
  uuid: string | null;
  mesos: {
    /** The Mesos master still lists this persistent volume on the task's agent; null = not checked. */
    known: boolean | null;
    role: string | null;
    inUse: boolean;
    source: string | null;
  };
}

export interface TaskFilter {
  includeRunning: boolean;
  app?: (appId: string) => boolean;
  /** Agent id or hostname. */
  agent?: string;
}

function appIdOf(task: MarathonTask): string {
  return task.appId ?? parseTaskId(task.id)?.appId ?? '(unknown app)';
}

function volumeView(task: MarathonTask, reservations: ClusterReservations, lv: { containerPath: string; persistenceId: string; uuid?: string }): VolumeView {
  const check = validatePersistenceId(lv.persistenceId);
  const known: MesosVolume | undefined = task.slaveId ? reservations.volumesOn(task.slaveId, lv.persistenceId)[0] : undefined;
  return {
    containerPath: lv.containerPath,
    persistenceId: lv.persistenceId,
    persistenceIdValid: check.ok,
    persistenceIdProblem: check.ok ? null : check.reason,
    uuid: lv.uuid ?? null,
    mesos: {
      known: reservations.reservationsKnown ? known !== undefined : null,
      role: known?.role ?? null,
      inUse: known?.inUse ?? false,
      source: known ? known.source.type : null,
    },
  };
}

export function statefulTaskView(task: MarathonTask, reservations: ClusterReservations): StatefulTaskView {
  const agentStatus = reservations.presenceOf(task.slaveId);
  const classification = classifyStatefulTask(task, agentStatus);
  const volumes = (task.localVolumes ?? []).map((lv) => volumeView(task, reservations, lv));
  const role = task.role ?? volumes.find((v) => v.mesos.role !== null)?.mesos.role ?? null;
  let note: string | null = null;
  if (classification.state === 'agent-lost') {
    note = `${classification.lostReason}; its reservation and volume never time out: wipe it manually`;
  } else if (agentStatus === 'unknown') {
    note = 'agent status unknown (Mesos master not reachable)';
  } else if (volumes.some((v) => !v.persistenceIdValid)) {
    note = 'a persistence id fails Mesos validation';
  }
  return {
    app: appIdOf(task),
    task: task.id,
    host: task.host ?? null,
    agentId: task.slaveId ?? null,
    state: classification.state,
    marathonState: task.state ?? null,
    agentStatus,
    needsManualWipe: classification.state === 'agent-lost',
    note,
    role,
    volumes,
  };
}

export function compareViews(a: { app: string; task: string }, b: { app: string; task: string }): number {
  return a.app < b.app ? -1 : a.app > b.app ? 1 : a.task < b.task ? -1 : a.task > b.task ? 1 : 0;
}

/**
 * Whether a task is a row under `filter`, judged by its agent's presence (undefined: not known yet, so
 * only the app and agent filters decide). The one rule selectStatefulTasks applies, also used to drop
 * tasks while a big answer streams in.
 */
export function isShown(task: MarathonTask, agentStatus: AgentPresence | undefined, filter: TaskFilter): boolean {
  if (!isStatefulTask(task)) return false;
  if (filter.app && !filter.app(appIdOf(task))) return false;
  if (filter.agent !== undefined && filter.agent !== task.slaveId && filter.agent !== task.host) return false;
  if (filter.includeRunning || agentStatus === undefined) return true;
  return classifyStatefulTask(task, agentStatus).state !== 'running';
}

/** Stateful tasks to show, filtered and sorted by app then task (the table's order). */
export function selectStatefulTasks(tasks: MarathonTask[], reservations: ClusterReservations, filter: TaskFilter): StatefulTaskView[] {
  const rows: StatefulTaskView[] = [];
  for (const task of tasks) {
    if (isShown(task, reservations.presenceOf(task.slaveId), filter)) rows.push(statefulTaskView(task, reservations));
  }
  return rows.sort(compareViews);
}

/**
 * Rows known only from Mesos reservations (used when Marathon cannot be reached): every persistent volume
 * labelled by a Marathon framework, grouped by its `marathon_task_id` label.
 */
export function reservationOnlyViews(reservations: ClusterReservations, filter: TaskFilter): StatefulTaskView[] {
  const byTask = new Map<string, MesosVolume[]>();
  for (const v of reservations.allVolumes()) {
    if (v.frameworkId === undefined || v.taskLabel === undefined) continue;
    const key = `${v.agentId}\u0000${v.taskLabel}`;
    byTask.set(key, [...(byTask.get(key) ?? []), v]);
  }
  const rows: StatefulTaskView[] = [];
  for (const volumes of byTask.values()) {
    const first = volumes[0];
    if (!first || first.taskLabel === undefined) continue;
    const app = appIdFromPersistenceId(first.persistenceId) ?? parseTaskId(first.taskLabel)?.appId ?? '(unknown app)';
    if (filter.app && !filter.app(app)) continue;
    if (filter.agent !== undefined && filter.agent !== first.agentId && filter.agent !== first.hostname) continue;
    rows.push({
      app,
      task: first.taskLabel,
      host: first.hostname,
      agentId: first.agentId,
      state: 'unknown',
      marathonState: null,
      agentStatus: reservations.presenceOf(first.agentId),
      needsManualWipe: false,
      note: 'known from the Mesos reservation only (Marathon not reachable)',
      role: first.role,
      volumes: volumes.map((v) => {
        const check = validatePersistenceId(v.persistenceId);
        return {
          containerPath: v.containerPath ?? '',
          persistenceId: v.persistenceId,
          persistenceIdValid: check.ok,
          persistenceIdProblem: check.ok ? null : check.reason,
          uuid: null,
          mesos: { known: true, role: v.role, inUse: v.inUse, source: v.source.type },
        };
      }),
    });
  }
  return rows.sort(compareViews);
}

/** `db_mysql#data#<uuid>` → `/db/mysql` (Marathon's persistence id format, README §b). */
export function appIdFromPersistenceId(persistenceId: string): string | undefined {
  const first = persistenceId.indexOf('#');
  const last = persistenceId.lastIndexOf('#');
  if (first <= 0 || first === last) return undefined;
  return `/${persistenceId.slice(0, first).split('_').join('/')}`;
}

/**
 * One word for the `--reservations` cross-check of a task's volumes: `missing` (a volume the master no
 * longer lists on that agent), `in-use` (a waiting task whose volume Mesos says a task is using),
 * `unknown` (not checked, or the agent is unknown), `ok`.
 */
export function mesosCheckWord(task: Pick<StatefulTaskView, 'state' | 'volumes' | 'agentId'>): 'ok' | 'missing' | 'in-use' | 'unknown' {
  if (task.volumes.length === 0 || task.agentId === null) return 'unknown';
  if (task.volumes.some((v) => v.mesos.known === null)) return 'unknown';
  if (task.volumes.some((v) => v.mesos.known === false)) return 'missing';
  if (task.state !== 'running' && task.volumes.some((v) => v.mesos.inUse)) return 'in-use';
  return 'ok';
}
