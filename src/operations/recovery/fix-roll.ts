import type { AgentAccess } from '../../agent/access.js';
import { scripts } from '../../agent/remote-scripts.js';
import { sshFailureError } from '../../agent/ssh-errors.js';
import type { ClusterClients } from '../../context/context.js';
import { isStatefulTask } from '../../domain/waiting.js';
import { nextToRestart, type RollSlot } from '../../domain/recovery/roll-order.js';
import { parseSettingValue, sameSettingValue, type SettingName } from '../../domain/recovery/settings.js';
import type { Journal } from '../../journal/journal.js';
import { checkRestart } from '../agents/restart-check.js';
import { messageOf } from '../../core/errors.js';

/**
 * `--restart`: the agents whose files were fixed (or differ from what they run) are restarted one at a time
 * (or `parallel` at once, never two holding the same stateful app), each only after restart-check says its
 * tasks survive with the new settings; after each, the roll waits until the master lists the agent
 * re-registered (same id, a new re-registration time, active), its executors are back in its /state and its
 * /flags show the files' values. The first agent that does not come back right stops the roll.
 */

export interface RollCandidate {
  agent: string;
  host: string;
  unit: string;
  /** What /flags must show once the agent runs the files' values. */
  expected: Partial<Record<SettingName, string>>;
  why: string;
}

/**
 * restarted: back with the new values; already: an earlier run restarted it; refused: restart-check says a
 * task would not survive (nothing done); failed: the restart or the wait failed (the roll stops here);
 * not-reached: after the stop, or Ctrl-C.
 */
export type RollOutcome = 'restarted' | 'already' | 'refused' | 'failed' | 'not-reached';

export interface RollAgentResult {
  agent: string;
  host: string;
  outcome: RollOutcome;
  /** Tasks that were running before and are running again (the executors reconnected). */
  tasksKept: number | null;
  error: string | null;
}

export interface RollResult {
  parallel: number;
  timeoutSeconds: number;
  agents: RollAgentResult[];
  stoppedAt: { agent: string; host: string; reason: string } | null;
  interrupted: boolean;
}

export interface RollOptions {
  journal: Journal;
  parallel: number;
  timeoutMs: number;
  pollMs: number;
  signal: AbortSignal;
  onProgress: (message: string) => void;
}

export async function rollRestart(
  clients: ClusterClients,
  openAccess: () => Promise<AgentAccess>,
  candidates: readonly RollCandidate[],
  o: RollOptions,
): Promise<RollResult> {
  const access = await openAccess();
  const appsOf = await statefulAppsByAgent(clients);
  const results = new Map<string, RollAgentResult>();
  const queue: (RollCandidate & RollSlot)[] = candidates.map((c) => ({ ...c, id: c.agent, apps: appsOf.get(c.agent) ?? new Set<string>() }));
  const inFlight = new Map<string, { slot: RollSlot; done: Promise<void> }>();
  let stoppedAt: RollResult['stoppedAt'] = null;

  const start = (c: RollCandidate & RollSlot) => {
    const done = restartOne(clients, openAccess, access, c, o).then((r) => {
      results.set(c.agent, r);
      if (r.outcome === 'failed' && stoppedAt === null) stoppedAt = { agent: c.agent, host: c.host, reason: r.error ?? 'failed' };
      inFlight.delete(c.agent);
    });
    inFlight.set(c.agent, { slot: c, done });
  };
  for (;;) {
    while (stoppedAt === null && !o.signal.aborted) {
      const next = nextToRestart(queue, [...inFlight.values()].map((f) => f.slot), o.parallel);
      if (!next) break;
      queue.splice(queue.indexOf(next), 1);
      start(next);
    }
    if (inFlight.size === 0) break;
    await Promise.race([...inFlight.values()].map((f) => f.done));
  }
  for (const c of queue) results.set(c.agent, { agent: c.agent, host: c.host, outcome: 'not-reached', tasksKept: null, error: stoppedAt ? `the roll stopped at ${(stoppedAt as { host: string }).host}` : 'interrupted' });
  return {
    parallel: o.parallel,
    timeoutSeconds: o.timeoutMs / 1000,
    agents: candidates.map((c) => results.get(c.agent) as RollAgentResult),
    stoppedAt,
    interrupted: o.signal.aborted,
  };
}

/** Resident apps with a task (running or waiting on its reservation) on each agent. */
async function statefulAppsByAgent(clients: ClusterClients): Promise<Map<string, Set<string>>> {
  const byAgent = new Map<string, Set<string>>();
  for (const app of await clients.marathon.apps({ embedTasks: true })) {
    for (const task of app.tasks ?? []) {
      if (!isStatefulTask(task) || !task.slaveId) continue;
      const set = byAgent.get(task.slaveId) ?? new Set<string>();
      set.add(app.id);
      byAgent.set(task.slaveId, set);
    }
  }
  return byAgent;
}

async function restartOne(
  clients: ClusterClients,
  openAccess: () => Promise<AgentAccess>,
  access: AgentAccess,
  c: RollCandidate,
  o: RollOptions,
): Promise<RollAgentResult> {
  const base = { agent: c.agent, host: c.host };
  if (o.journal.isDone(c.agent, 'restart')) return { ...base, outcome: 'already', tasksKept: null, error: null };
  // With the new settings: the restarted process reads the edited files.
  const check = await checkRestart(clients, openAccess, { agents: [c.agent], mode: 'restart', downtimeMs: null, signal: o.signal, recoverFrom: 'files' });
  const verdict = check.agents[0];
  if (!verdict || !['survives', 'nothing-running'].includes(verdict.verdict)) {
    const why = verdict?.tasks.filter((t) => t.verdict !== 'survives').map((t) => `${t.task}: ${t.verdict} (${t.reasons.join('; ')})`) ?? [];
    o.journal.record(c.agent, 'restart', 'skipped', { verdict: verdict?.verdict ?? 'unknown' });
    return { ...base, outcome: 'refused', tasksKept: null, error: `restart-check says ${verdict?.verdict ?? 'unknown'}: ${why.join('; ') || verdict?.notes.join('; ') || 'not checked'}` };
  }
  const survivors = verdict.tasks.filter((t) => t.verdict === 'survives').map((t) => t.task);
  const before = (await clients.mesos.agents()).slaves.find((a) => a.id === c.agent);
  const beforeTime = before?.reregistered_time ?? before?.registered_time ?? null;
  try {
    const outcome = await o.journal.runStep(
      c.agent,
      'restart',
      async () => {
        o.onProgress(`restarting ${c.unit} on ${c.host}`);
        const r = await access.shell.runScript({ id: c.agent, host: c.host }, scripts.restartUnit, [c.unit], { signal: o.signal, what: `systemctl restart ${c.unit}` });
        if (r.exitCode !== 0) {
          // systemctl's own exit 4: not privileged (LSB "insufficient privilege").
          const hint = r.exitCode === 4 && !access.settings.sudo ? ' (systemctl restart needs root: use --sudo)' : '';
          throw sshFailureError({ id: c.agent, host: c.host }, { exitCode: r.exitCode, signal: null, stderr: `${r.stderr.trim()}${hint}` }, `systemctl restart ${c.unit}`);
        }
        const kept = await waitBack(clients, c, { beforeTime, survivors }, o);
        return { tasksKept: kept };
      },
      { started: { unit: c.unit, why: c.why }, again: true },
    );
    return { ...base, outcome: 'restarted', tasksKept: (outcome.detail?.tasksKept as number) ?? survivors.length, error: null };
  } catch (e) {
    return { ...base, outcome: o.signal.aborted ? 'not-reached' : 'failed', tasksKept: null, error: messageOf(e) };
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Polls the master and the agent until it is back as wanted; the number of tasks kept, or throws at the timeout. */
async function waitBack(
  clients: ClusterClients,
  c: RollCandidate,
  pre: { beforeTime: number | null; survivors: string[] },
  o: RollOptions,
): Promise<number> {
  const deadline = Date.now() + o.timeoutMs;
  let last = 'not checked yet';
  for (;;) {
    if (o.signal.aborted) throw new Error(`interrupted while waiting for ${c.host} (${last})`);
    last = await observe(clients, c, pre).catch((e: Error) => e.message);
    if (last === '') return pre.survivors.length;
    if (Date.now() >= deadline) throw new Error(`not back within ${o.timeoutMs / 1000}s of the restart: ${last}`);
    await sleep(o.pollMs, o.signal);
  }
}

/** '' when the agent is back right, else what is still missing. */
async function observe(clients: ClusterClients, c: RollCandidate, pre: { beforeTime: number | null; survivors: string[] }): Promise<string> {
  const listed = (await clients.mesos.agents()).slaves.find((a) => a.id === c.agent);
  if (!listed) return 'the master does not list the agent';
  const time = listed.reregistered_time ?? listed.registered_time ?? null;
  if (listed.active !== true || time === pre.beforeTime) return 'the master has not seen it re-register';
  const flags = await clients.mesos.agentFlags(c.agent);
  const wrong = (Object.entries(c.expected) as [SettingName, string][]).filter(([n, v]) => parseSettingValue(n, v).ok && (flags[n] === undefined || !sameSettingValue(n, v, flags[n] as string)));
  if (wrong.length > 0) return `/flags shows ${wrong.map(([n]) => `${n}=${flags[n] ?? '(none)'}`).join(', ')}, not ${wrong.map(([n, v]) => `${n}=${v}`).join(', ')}`;
  const state = await clients.mesos.agentState(c.agent);
  const running = new Set(
    (state.frameworks ?? []).flatMap((f) => (f.executors ?? []).flatMap((e) => (e.tasks ?? []).filter((t) => t.state === undefined || t.state === 'TASK_RUNNING').map((t) => t.id))),
  );
  const missing = pre.survivors.filter((t) => !running.has(t));
  if (missing.length > 0) return `executors not reconnected for ${missing.length} task(s): ${missing.slice(0, 3).join(', ')}`;
  return '';
}
