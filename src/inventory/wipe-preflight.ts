import type { AgentAccess } from '../agent/access.js';
import { fanOut } from '../agent/fanout.js';
import type { AgentTarget } from '../agent/settings.js';
import type { ClusterClients } from '../context.js';
import type { MesosAgentState } from '../cluster/mesos-types.js';
import { parseTaskId } from '../domain/task-id.js';
import {
  remoteRefusals,
  staticRefusals,
  taskPlan,
  type RemoteVolumeFacts,
  type Refusal,
  type TaskWipePlan,
  type WipeCandidate,
} from '../domain/wipe-plan.js';
import type { Journal } from '../journal/journal.js';

export interface WipePreflight {
  plans: TaskWipePlan[];
  refusals: Refusal[];
}

/** Journal step names, shared by preflight (resume) and execution. */
export const step = {
  backup: (containerPath: string) => `backup:${containerPath}`,
  delete: (containerPath: string) => `delete:${containerPath}`,
  expunge: 'expunge',
  verify: 'verify',
} as const;

const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR', 'TASK_LOST']);

/**
 * Everything is checked before anything is touched: static checks per task, then, per agent
 * (bounded fan-out), the agent's own Mesos state (no live container of the task) and each volume path
 * over SSH (exists, a real directory, not a symlink, not another mount). Any doubt refuses the task.
 */
export async function preflightWipe(
  clients: ClusterClients,
  access: () => Promise<AgentAccess>,
  candidates: WipeCandidate[],
  options: { skipData: boolean; journal: Journal; signal: AbortSignal },
): Promise<WipePreflight> {
  const refusals: Refusal[] = [];
  const passed: WipeCandidate[] = [];
  for (const c of candidates) {
    const reasons = staticRefusals(c, options.skipData);
    if (reasons.length > 0) refusals.push({ app: c.task.app, task: c.task.task, reasons });
    else passed.push(c);
  }
  if (options.skipData || passed.length === 0) {
    return { plans: passed.map((c) => taskPlan(c, options.skipData, new Map())), refusals };
  }

  const agents = await access();
  const byAgent = new Map<string, WipeCandidate[]>();
  for (const c of passed) byAgent.set(c.task.agentId ?? '', [...(byAgent.get(c.task.agentId ?? '') ?? []), c]);
  const groups = [...byAgent.values()];
  const targets: AgentTarget[] = groups.map((g) => agents.target({ id: g[0]?.task.agentId ?? null, host: g[0]?.task.host ?? '' }));
  const outcomes = await fanOut(
    targets,
    async (target, signal) => {
      const group = groups[targets.indexOf(target)] ?? [];
      // The agent's own Mesos state over HTTP and every volume path of this agent in one ssh call.
      const paths = group.flatMap((c) => c.volumes.flatMap((v) => (v.hostPath === null ? [] : [v.hostPath])));
      const [state, inspected] = await Promise.all([
        clients.mesos.agentState(target.id ?? ''),
        agents.fs.inspect(target, paths, { signal }),
      ]);
      const live = liveTaskBases(state);
      const facts = new Map<string, RemoteVolumeFacts>(paths.map((p, i) => [p, inspected[i] ?? { stat: null }]));
      return { live, facts };
    },
    { concurrency: agents.settings.concurrency, perAgentTimeoutMs: agents.settings.perAgentTimeoutMs, signal: options.signal },
  );

  const plans: TaskWipePlan[] = [];
  outcomes.forEach((outcome, i) => {
    for (const c of groups[i] ?? []) {
      if (!outcome.ok) {
        refusals.push({ app: c.task.app, task: c.task.task, reasons: [`preflight on the agent failed: ${outcome.error.message}`] });
        continue;
      }
      const base = parseTaskId(c.task.task)?.reservationLabels.at(-1) ?? c.task.task;
      const reasons: string[] = [];
      if (outcome.value.live.has(base)) reasons.push("the agent's Mesos state shows a live container of this task");
      for (const v of c.volumes) {
        const facts = outcome.value.facts.get(v.hostPath ?? '') ?? { stat: null };
        reasons.push(...remoteRefusals(v, facts, options.journal.isDone(c.task.task, step.delete(v.containerPath))));
      }
      if (reasons.length > 0) refusals.push({ app: c.task.app, task: c.task.task, reasons });
      else plans.push(taskPlan(c, false, outcome.value.facts));
    }
  });
  return { plans, refusals };
}

/** Instance bases (task id without the incarnation) of every non-terminal task in the agent's state. */
function liveTaskBases(state: MesosAgentState): Set<string> {
  const live = new Set<string>();
  for (const framework of state.frameworks ?? []) {
    for (const executor of framework.executors ?? []) {
      for (const task of executor.tasks ?? []) {
        if (task.state !== undefined && TERMINAL.has(task.state)) continue;
        const parsed = parseTaskId(task.id);
        live.add(parsed?.reservationLabels.at(-1) ?? task.id);
      }
    }
  }
  return live;
}
