import type { ClusterClients } from '../../context/context.js';
import { batchWhileBusy } from '../../core/batch-while-busy.js';
import { isCliError, messageOf } from '../../core/errors.js';
import { indexReservations } from '../../domain/reservations.js';
import { recheckTask, type FreshView, type RecheckVerdict } from '../../domain/wipe-recheck.js';
import type { TaskWipePlan } from '../../domain/wipe-plan.js';

const notFound = (e: unknown) => isCliError(e) && e.kind === 'not-found';

/** The part of a plan a re-check needs. */
export type RecheckTarget = Pick<TaskWipePlan, 'app' | 'task' | 'agentId' | 'skipData'> & {
  volumes: { persistenceId: string }[];
  /** undefined at preflight: whatever Marathon lists now is the plan's baseline. */
  stagedAt?: string | null;
};

/**
 * Reads the world fresh for planned tasks — each app and its tasks, the deployments in progress, the
 * master's view of each agent and (when data is about to be touched) each agent's own state — with one
 * request per app, per agent and for the deployments, all at once; then applies the pure rules per task.
 * A read that fails is a refusal: what cannot be verified is never taken as "nothing changed".
 */
export async function recheckPlans(clients: ClusterClients, plans: readonly RecheckTarget[]): Promise<RecheckVerdict[]> {
  const apps = [...new Set(plans.map((p) => p.app))];
  const agents = [...new Set(plans.map((p) => p.agentId ?? '').filter(Boolean))];
  const dataAgents = [...new Set(plans.filter((p) => !p.skipData && p.agentId).map((p) => p.agentId as string))];
  const settle = <T>(p: Promise<T>) => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
  const [appReads, deployments, slaves, states] = await Promise.all([
    Promise.all(apps.map((id) => Promise.all([settle(clients.marathon.app(id)), settle(clients.marathon.appTasks(id))]))),
    settle(clients.marathon.deployments()),
    Promise.all(agents.map((id) => settle(clients.mesos.slaves([id])))),
    Promise.all(dataAgents.map((id) => settle(clients.mesos.agentState(id)))),
  ]);
  return plans.map((plan) => {
    const failures: string[] = [];
    const [app, tasks] = appReads[apps.indexOf(plan.app)] ?? [];
    const appGone = app !== undefined && !app.ok && notFound(app.error);
    if (app && !app.ok && !appGone) failures.push(`could not re-read app ${plan.app}: ${messageOf(app.error)}`);
    if (tasks && !tasks.ok && !appGone) failures.push(`could not re-read the tasks of ${plan.app}: ${messageOf(tasks.error)}`);
    if (!deployments.ok) failures.push(`could not re-read the deployments in progress: ${messageOf(deployments.error)}`);
    const agentId = plan.agentId ?? '';
    const slave = slaves[agents.indexOf(agentId)];
    if (slave && !slave.ok) failures.push(`could not re-read the master's view of the agent: ${messageOf(slave.error)}`);
    const state = plan.skipData ? undefined : states[dataAgents.indexOf(agentId)];
    // A removed agent's endpoints answer 404: the master's view says why.
    if (state && !state.ok && !notFound(state.error)) failures.push(`could not re-read the agent's own state: ${messageOf(state.error)}`);
    if (failures.length > 0) return { ok: false, relaunched: false, gone: false, reasons: failures };
    const fresh: FreshView = {
      app: app?.ok ? app.value : null,
      tasks: tasks?.ok ? tasks.value : [],
      deployments: deployments.ok ? deployments.value : [],
      agentPresence: slave?.ok ? indexReservations(slave.value, false).presenceOf(agentId) : 'gone',
      agentState: state?.ok ? state.value : null,
    };
    const listed = fresh.tasks.find((t) => t.id === plan.task);
    const stagedAt = plan.stagedAt !== undefined ? plan.stagedAt : (listed?.stagedAt ?? null);
    const persistenceIds = plan.volumes.map((v) => v.persistenceId);
    return recheckTask({ app: plan.app, task: plan.task, persistenceIds, skipData: plan.skipData, stagedAt }, fresh);
  });
}

/** One task, read fresh right before one of its destructive steps. */
export async function recheckPlan(clients: ClusterClients, plan: RecheckTarget): Promise<RecheckVerdict> {
  const [verdict] = await recheckPlans(clients, [plan]);
  return verdict as RecheckVerdict;
}

/** A re-check asked for by one task while others are being read (group commit, see batchWhileBusy). */
export type RecheckQueue = (plan: RecheckTarget) => Promise<RecheckVerdict>;

/**
 * Re-checks for tasks that run concurrently (one per agent): those asked for while a read is in flight
 * share the next one — one request per app, per agent and for the deployments for all of them — and
 * each is still answered by reads issued after it asked.
 */
export function recheckQueue(clients: ClusterClients): RecheckQueue {
  return batchWhileBusy((plans: RecheckTarget[]) => recheckPlans(clients, plans));
}
