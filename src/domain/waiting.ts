import type { MarathonTask } from '../model/marathon.js';

/**
 * What the Mesos master says about the agent a task is on.
 * - active: listed and active
 * - inactive: listed but deactivated/disconnected
 * - gone: not listed by the master any more (removed, or never re-registered)
 * - unknown: the master could not be asked (Mesos unreachable)
 */
export type AgentPresence = 'active' | 'inactive' | 'gone' | 'unknown';

export type StatefulTaskState = 'waiting' | 'running' | 'agent-lost';

export interface TaskClassification {
  state: StatefulTaskState;
  /** The task has been launched on its reservation (it has `stagedAt`): running, staging, killing, unreachable… */
  launched: boolean;
  /** Why the task is considered agent-lost, when it is. */
  lostReason?: string;
}

/** Mesos states that mean the agent (not the task) is gone or partitioned. */
const AGENT_LOSS_STATES = new Set(['TASK_UNREACHABLE', 'TASK_LOST', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN']);

/** A stateful task holds a reservation and local persistent volumes: a non-empty `localVolumes`. */
export function isStatefulTask(task: MarathonTask): boolean {
  return Array.isArray(task.localVolumes) && task.localVolumes.length > 0;
}

/**
 * Whether Marathon has launched the task on its reservation.
 * All versions (../shared/reference/marathon/README.md §a "Reliable test"): `stagedAt` is present on every
 * launched/active task and absent on a waiting one — 1.1 has no `state` at all, 1.4–1.7 say TASK_STAGING for
 * waiting tasks (ambiguous), 1.8+ keep the last terminal state. `startedAt` is null while staging, so it is
 * not usable, and `state` alone never decides.
 */
export function isLaunched(task: MarathonTask): boolean {
  return task.stagedAt !== undefined && task.stagedAt !== null;
}

/**
 * Classify a stateful task. Waiting = reservation held, nothing running. A task whose agent is gone or
 * inactive, or that Mesos reports unreachable/lost/gone, is `agent-lost`: its reservation and volume never
 * time out on their own and need a manual wipe.
 */
export function classifyStatefulTask(task: MarathonTask, agent: AgentPresence): TaskClassification {
  const launched = isLaunched(task);
  if (agent === 'gone') {
    return { state: 'agent-lost', launched, lostReason: 'agent is no longer known to the Mesos master' };
  }
  if (agent === 'inactive') {
    return { state: 'agent-lost', launched, lostReason: 'agent is inactive (disconnected from the Mesos master)' };
  }
  if (launched && task.state !== undefined && AGENT_LOSS_STATES.has(task.state)) {
    return { state: 'agent-lost', launched, lostReason: `Marathon reports ${task.state}` };
  }
  return { state: launched ? 'running' : 'waiting', launched };
}
