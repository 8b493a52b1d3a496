import type { AgentAccess } from '../../agent/access.js';
import { fanOutByAgent } from '../../agent/fanout.js';
import { SudoRefusedError } from '../../agent/ssh-errors.js';
import type { ClusterClients } from '../../context/context.js';
import type { CliError } from '../../core/errors.js';
import {
  remoteRefusals,
  staticRefusals,
  taskPlan,
  type RemoteVolumeFacts,
  type Refusal,
  type TaskWipePlan,
  type WipeCandidate,
} from '../../domain/wipe-plan.js';
import type { Journal } from '../../journal/journal.js';
import { recheckPlans } from './recheck.js';

export interface WipePreflight {
  plans: TaskWipePlan[];
  refusals: Refusal[];
  /** Agents inspected over SSH, and why each failed one failed (for the shared-failure exit code). */
  contacted: number;
  failures: CliError[];
}

/** Journal step names, shared by preflight (resume) and execution. */
export const step = {
  backup: (containerPath: string) => `backup:${containerPath}`,
  delete: (containerPath: string) => `delete:${containerPath}`,
  /** A re-check right before a destructive step said no. */
  recheck: 'recheck',
  expunge: 'expunge',
  verify: 'verify',
} as const;

/**
 * Everything is checked before anything is touched: static checks per task; the world read fresh for
 * all of them (the same rules that run again right before each destructive step: not relaunched, no
 * deployment, the app does not want more instances, the agent registered, nothing in the agent's own
 * state using the volumes, no contradiction in Marathon's listing); then, per agent (bounded fan-out),
 * each volume path over SSH (exists, a real directory, not a symlink, not another mount). Any doubt
 * refuses the task.
 */
export async function preflightWipe(
  clients: ClusterClients,
  access: () => Promise<AgentAccess>,
  candidates: WipeCandidate[],
  options: { skipData: boolean; journal?: Journal; signal: AbortSignal; backup?: boolean },
): Promise<WipePreflight> {
  const refusals: Refusal[] = [];
  const staticallyOk: WipeCandidate[] = [];
  for (const c of candidates) {
    const reasons = staticRefusals(c, options.skipData);
    if (reasons.length > 0) refusals.push({ app: c.task.app, task: c.task.task, reasons });
    else staticallyOk.push(c);
  }
  const verdicts = await recheckPlans(
    clients,
    staticallyOk.map((c) => ({
      app: c.task.app,
      task: c.task.task,
      agentId: c.task.agentId,
      skipData: options.skipData,
      volumes: c.volumes,
      // A waiting task must still be unlaunched; one on a lost agent may have been launched before it was lost.
      ...(c.task.state === 'waiting' ? { stagedAt: null } : {}),
    })),
  );
  const passed: WipeCandidate[] = [];
  const stagedAt = new Map<string, string | null>();
  staticallyOk.forEach((c, i) => {
    const verdict = verdicts[i];
    if (!verdict || !verdict.ok) refusals.push({ app: c.task.app, task: c.task.task, reasons: verdict?.reasons ?? ['not re-checked'] });
    else {
      passed.push(c);
      stagedAt.set(c.task.task, verdict.stagedAt);
    }
  });
  const seen = (c: WipeCandidate) => stagedAt.get(c.task.task) ?? null;
  if (options.skipData || passed.length === 0) {
    return { plans: passed.map((c) => taskPlan(c, options.skipData, new Map(), undefined, seen(c))), refusals, contacted: 0, failures: [] };
  }

  const agents = await access();
  const groups = await fanOutByAgent(
    passed,
    (c) => agents.target({ id: c.task.agentId ?? null, host: c.task.host ?? '' }),
    async (target, group, signal) => {
      // Every volume path of this agent in one ssh call.
      const paths = group.flatMap((c) => c.volumes.flatMap((v) => (v.hostPath === null ? [] : [v.hostPath])));
      const inspected = await agents.fs.inspect(target, paths, { signal });
      return new Map<string, RemoteVolumeFacts>(paths.map((p, i) => [p, inspected[i] ?? { stat: null }]));
    },
    { concurrency: agents.settings.concurrency, perAgentTimeoutMs: agents.settings.perAgentTimeoutMs, signal: options.signal },
  );

  const plans: TaskWipePlan[] = [];
  for (const { items, outcome } of groups) {
    for (const c of items) {
      if (!outcome.ok && outcome.error instanceof SudoRefusedError) throw outcome.error; // exit 6, nothing touched
      if (!outcome.ok) {
        refusals.push({ app: c.task.app, task: c.task.task, reasons: [`preflight on the agent failed: ${outcome.error.message}`] });
        continue;
      }
      const deletedBefore = (containerPath: string) => options.journal?.isDone(c.task.task, step.delete(containerPath)) ?? false;
      const reasons: string[] = [];
      for (const v of c.volumes) {
        const facts = outcome.value.get(v.hostPath ?? '') ?? { stat: null };
        reasons.push(...remoteRefusals(v, facts, deletedBefore(v.containerPath), options.backup));
      }
      if (reasons.length > 0) refusals.push({ app: c.task.app, task: c.task.task, reasons });
      else plans.push(taskPlan(c, false, outcome.value, deletedBefore, seen(c)));
    }
  }
  const failures = groups.flatMap(({ outcome }) => (outcome.ok ? [] : [outcome.error]));
  return { plans, refusals, contacted: groups.length, failures };
}
