import type { AgentAccess } from '../../agent/access.js';
import type { CliError } from '../../core/errors.js';
import type { MarathonApp, MarathonTask } from '../../model/marathon.js';
import type { MesosAgent, MesosAgentState, MesosFramework, MesosMasterState } from '../../model/mesos.js';
import type { ClusterClients } from '../../context/context.js';
import type { AgentReport } from '../../domain/recovery/report.js';
import { residentImpact, type AppImpact, type ResidentApp } from '../../domain/restart-check/impact.js';
import {
  agentVerdict,
  effectiveDowntimeMs,
  rebootVerdict,
  recoveryFactsOf,
  restartVerdict,
  type AgentVerdict,
  type CheckMode,
  type FrameworkFacts,
  type TaskFacts,
  type TaskResult,
} from '../../domain/restart-check/verdict.js';
import { classifyStatefulTask, isStatefulTask, type AgentPresence } from '../../domain/waiting.js';
import { checkClusterRecovery, refuseUnknownAgents } from '../recovery/check.js';
import { looksLikeAgentId, selectAgents } from '../../domain/agent-selection.js';
import { isTerminalMesosState } from '../../domain/wipe-recheck.js';

/**
 * The I/O of `agent restart-check`: the master's /state (frameworks, their checkpointing and tasks),
 * each agent's own /state, Marathon's apps with their tasks, and, for a process restart, each agent's
 * recovery configuration read the way `agent recovery-config` reads it (one SSH round trip per agent).
 */

export interface CheckedTask extends TaskFacts, TaskResult {}

export interface AgentCheck {
  agent: string | null;
  host: string | null;
  verdict: AgentVerdict;
  /** Why the agent could not be checked fully (not registered, /state or SSH failed). */
  notes: string[];
  /** How long the agent is taken to be down (restart only). */
  downtimeSeconds: number | null;
  recovery: { recover: string | null; recoveryTimeout: string | null; recoveryTimeoutFrom: string | null; restartSec: number | null; unreadable: string | null } | null;
  tasks: CheckedTask[];
}

export interface RestartCheck {
  mode: CheckMode;
  /** --downtime in seconds; null when not given. */
  requestedDowntimeSeconds: number | null;
  windowSeconds: number | null;
  agents: AgentCheck[];
  statefulApps: AppImpact[];
  notes: string[];
}

export interface RestartCheckOptions {
  agents: readonly string[];
  mode: CheckMode;
  downtimeMs: number | null;
  signal: AbortSignal;
  /** Whose `recover` decides: the running agent's (default) or the files' (a restart after they were edited). */
  recoverFrom?: 'running' | 'files';
}

export async function checkRestart(
  clients: ClusterClients,
  openAccess: () => Promise<AgentAccess>,
  o: RestartCheckOptions,
): Promise<RestartCheck & { ssh: { contacted: number; failures: CliError[] } }> {
  const notes: string[] = [];
  const [masterState, apps] = await Promise.all([
    clients.mesos.masterState(),
    clients.marathon.apps({ embedTasks: true }).catch((e: Error) => {
      notes.push(`Marathon apps unavailable (${e.message}): Marathon tasks are not told apart, stateful apps not assessed`);
      return null;
    }),
  ]);
  const listed = (masterState.slaves ?? []) as MesosAgent[];
  const { known, unknown } = selectAgents(listed, o.agents);
  if (unknown.length > 0) refuseUnknownAgents(unknown, await openAccess());
  const [recovery, agentStates] = await Promise.all([
    // No agent the master lists: nothing to read (an empty list would mean every agent to the recovery check).
    o.mode === 'restart' && known.length > 0 ? checkClusterRecovery(clients, openAccess, { agents: known.map((a) => a.id), signal: o.signal }) : Promise.resolve(null),
    Promise.all(known.map((a) => clients.mesos.agentState(a.id).catch((e: Error) => e))),
  ]);
  notes.push(...(recovery?.cluster.notes ?? []));
  const windowSeconds = recovery?.cluster.reregistrationWindow?.seconds ?? null;

  const frameworks = new Map((masterState.frameworks ?? []).map((f) => [f.id, frameworkFacts(f)]));
  const marathonTasks = new Map<string, { app: MarathonApp; task: MarathonTask }>();
  for (const app of apps ?? []) for (const task of app.tasks ?? []) marathonTasks.set(task.id, { app, task });

  const checks: AgentCheck[] = known.map((agent, i) => {
    const state = agentStates[i] as MesosAgentState | Error;
    const agentNotes: string[] = [];
    if (state instanceof Error) agentNotes.push(`agent /state unavailable (${state.message}): only the master's view of its tasks`);
    const report = recovery?.agents.find((r) => r.agent === agent.id);
    const tasks = tasksOn(agent.id, masterState, state instanceof Error ? null : state, frameworks, marathonTasks);
    let recoveryView: AgentCheck['recovery'] = null;
    let downtimeSeconds: number | null = null;
    let results: CheckedTask[];
    if (o.mode === 'reboot') results = tasks.map((t) => ({ ...t, ...rebootVerdict(t) }));
    else {
      const facts = recoveryFactsOf(report ?? unreadableReport(agent), o.recoverFrom ? { recoverFrom: o.recoverFrom } : {});
      const downtimeMs = effectiveDowntimeMs(o.downtimeMs, facts.restartSecMs);
      downtimeSeconds = downtimeMs / 1000;
      recoveryView = {
        recover: facts.recover?.value ?? null,
        recoveryTimeout: facts.recoveryTimeout?.text ?? null,
        recoveryTimeoutFrom: facts.recoveryTimeout?.from ?? null,
        restartSec: facts.restartSecMs === null ? null : facts.restartSecMs / 1000,
        unreadable: facts.unreadable,
      };
      results = tasks.map((t) => ({ ...t, ...restartVerdict(t, facts, { downtimeMs, windowSeconds }) }));
      agentNotes.push(...(report?.notes ?? []));
    }
    return {
      agent: agent.id,
      host: agent.hostname,
      verdict: agentVerdict(results, recoveryView?.unreadable != null),
      notes: agentNotes,
      downtimeSeconds,
      recovery: recoveryView,
      tasks: results,
    };
  });
  for (const value of unknown) {
    const isId = looksLikeAgentId(value);
    checks.push({
      agent: isId ? value : null,
      host: isId ? null : value,
      verdict: 'unknown',
      notes: [`${value} is not registered with the Mesos master (removed, lost, or a wrong id/hostname): what ran there is already lost to the master`],
      downtimeSeconds: null,
      recovery: null,
      tasks: [],
    });
  }

  const checkedIds = new Set(known.map((a) => a.id));
  const killed = new Set(checks.flatMap((c) => c.tasks.filter((t) => t.verdict === 'killed').map((t) => t.task)));
  const presence = new Map<string, AgentPresence>(listed.map((a) => [a.id, a.active === false ? 'inactive' : 'active']));
  const statefulApps = apps === null ? [] : residentImpact(residentApps(apps, presence, listed), checkedIds, killed);
  const ssh = { contacted: recovery?.contacted ?? 0, failures: recovery?.failures ?? [] };
  return { ssh, mode: o.mode, requestedDowntimeSeconds: o.downtimeMs === null ? null : o.downtimeMs / 1000, windowSeconds, agents: checks, statefulApps, notes };
}

function frameworkFacts(f: MesosFramework): FrameworkFacts {
  return {
    id: f.id,
    name: f.name ?? f.id,
    checkpoint: typeof f.checkpoint === 'boolean' ? f.checkpoint : null,
    partitionAware: Array.isArray(f.capabilities) && f.capabilities.includes('PARTITION_AWARE'),
  };
}

/** Every task on the agent: the master's /state and the agent's own, merged by framework and task id. */
function tasksOn(
  agentId: string,
  master: MesosMasterState,
  agent: MesosAgentState | null,
  frameworks: Map<string, FrameworkFacts>,
  marathon: Map<string, { app: MarathonApp; task: MarathonTask }>,
): TaskFacts[] {
  const found = new Map<string, TaskFacts>();
  const add = (frameworkId: string, taskId: string, name: string | undefined, by: 'master' | 'agent', checkpoint?: boolean) => {
    const key = `${frameworkId}\u0000${taskId}`;
    const existing = found.get(key);
    if (existing) {
      if (!existing.seenBy.includes(by)) existing.seenBy.push(by);
      return;
    }
    const framework = frameworks.get(frameworkId) ?? { id: frameworkId, name: frameworkId, checkpoint: checkpoint ?? null, partitionAware: false };
    const m = marathon.get(taskId);
    found.set(key, {
      task: taskId,
      name: name ?? taskId,
      framework,
      seenBy: [by],
      marathon: m ? { app: m.app.id, resident: isStatefulTask(m.task) } : null,
    });
  };
  for (const f of master.frameworks ?? []) {
    for (const t of f.tasks ?? []) if (t.slave_id === agentId && isActive(t.state)) add(f.id, t.id, t.name, 'master');
  }
  for (const f of agent?.frameworks ?? []) {
    for (const e of f.executors ?? []) for (const t of e.tasks ?? []) if (isActive(t.state)) add(f.id, t.id, (t as { name?: string }).name, 'agent', f.checkpoint);
  }
  return [...found.values()].sort((a, b) => (a.task < b.task ? -1 : 1));
}

/** A task the agent lists without a state is counted as running: what cannot be told is never "gone". */
const isActive = (state: string | undefined) => !isTerminalMesosState(state);

function residentApps(apps: MarathonApp[], presence: Map<string, AgentPresence>, listed: MesosAgent[]): ResidentApp[] {
  const hostOf = new Map(listed.map((a) => [a.id, a.hostname]));
  return apps
    .filter((app) => (app.tasks ?? []).some(isStatefulTask))
    .map((app) => ({
      app: app.id,
      instances: app.instances ?? 1,
      tasks: (app.tasks ?? []).filter(isStatefulTask).map((t) => {
        const agentId = typeof t.slaveId === 'string' && t.slaveId !== '' ? t.slaveId : null;
        const state = classifyStatefulTask(t, agentId === null ? 'gone' : (presence.get(agentId) ?? 'gone')).state;
        return { task: t.id, agentId, host: t.host ?? (agentId ? (hostOf.get(agentId) ?? null) : null), state, healthy: healthOf(t), persistenceIds: (t.localVolumes ?? []).map((v) => v.persistenceId) };
      }),
    }));
}

function healthOf(t: MarathonTask): boolean | null {
  const results = (t.healthCheckResults ?? []) as { alive?: boolean }[];
  if (results.length === 0) return null;
  return results.every((r) => r.alive !== false);
}

function unreadableReport(agent: MesosAgent): AgentReport {
  return { agent: agent.id, host: agent.hostname, path: null, verdict: 'unreachable', unreachable: 'recovery settings not read', unit: null, systemd: null, dcosVersion: null, settings: null, drift: null, findings: [], notes: [] };
}
