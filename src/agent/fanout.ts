import { setMaxListeners } from 'node:events';
import { CliError, isCliError, messageOf } from '../core/errors.js';
import { mapSettledLimit } from '../core/map-limit.js';
import { agentLabel, type AgentTarget } from './settings.js';
import { formatSeconds } from './ssh-errors.js';

export type AgentOutcome<T> =
  | { agent: AgentTarget; ok: true; value: T }
  | { agent: AgentTarget; ok: false; error: CliError };

export interface FanOutOptions {
  concurrency: number;
  /** Everything done on one agent must finish within this; then its signal aborts and it counts as failed. */
  perAgentTimeoutMs: number;
  /** Aborts every agent's work (Ctrl-C). */
  signal?: AbortSignal;
  /** Called as each agent finishes, for progress output. */
  onSettled?: (outcome: AgentOutcome<unknown>) => void;
}

/**
 * Runs `task` on every agent, at most `concurrency` at once, results in input order. A slow or dead
 * agent costs only its own slot for at most perAgentTimeoutMs: its task is aborted through the signal
 * (ssh gets killed) and abandoned even if it ignores the signal.
 */
export async function fanOut<T>(
  agents: readonly AgentTarget[],
  task: (agent: AgentTarget, signal: AbortSignal) => Promise<T>,
  options: FanOutOptions,
): Promise<AgentOutcome<T>[]> {
  // Each agent in flight listens on the caller's signal: room for all of them without Node's leak warning.
  if (options.signal) setMaxListeners(Math.max(10, Math.floor(options.concurrency) + 10), options.signal);
  const settled = await mapSettledLimit(agents, Math.max(1, Math.floor(options.concurrency)), (agent) =>
    runOne(agent, task, options),
  );
  return settled.map((s, i) =>
    s.status === 'fulfilled' ? s.value : { agent: agents[i] as AgentTarget, ok: false, error: asCliError(agents[i] as AgentTarget, s.reason) },
  );
}

async function runOne<T>(
  agent: AgentTarget,
  task: (agent: AgentTarget, signal: AbortSignal) => Promise<T>,
  options: FanOutOptions,
): Promise<AgentOutcome<T>> {
  const controller = new AbortController();
  const label = agentLabel(agent);
  let timer: NodeJS.Timeout | undefined;
  const onOuterAbort = () => controller.abort(new CliError('interrupted', `agent ${label}: interrupted`));
  if (options.signal?.aborted) onOuterAbort();
  else options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    timer = setTimeout(() => {
      controller.abort(new CliError('timeout', `agent ${label}: no result within ${formatSeconds(options.perAgentTimeoutMs)}`));
    }, options.perAgentTimeoutMs);
  });
  aborted.catch(() => undefined); // settled through the race below; never an unhandled rejection
  let outcome: AgentOutcome<T>;
  try {
    const value = await Promise.race([task(agent, controller.signal), aborted]);
    outcome = { agent, ok: true, value };
  } catch (e) {
    outcome = { agent, ok: false, error: asCliError(agent, e) };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  options.onSettled?.(outcome);
  return outcome;
}

function asCliError(agent: AgentTarget, e: unknown): CliError {
  if (isCliError(e)) return e;
  return new CliError('error', `agent ${agentLabel(agent)}: ${messageOf(e)}`, { cause: e });
}

export interface AgentGroup<I, T> {
  agent: AgentTarget;
  /** The items on this agent, in input order. */
  items: I[];
  outcome: AgentOutcome<T>;
}

/**
 * Groups items by the agent they live on (an agent id, else its host), then fans out one task per agent
 * with that agent's items, so each agent gets one ssh round for all of them. Items whose `agentOf` is null
 * are left out. Groups come back in the order their first item had.
 */
export async function fanOutByAgent<I, T>(
  items: readonly I[],
  agentOf: (item: I) => AgentTarget | null,
  task: (agent: AgentTarget, items: I[], signal: AbortSignal) => Promise<T>,
  options: FanOutOptions,
): Promise<AgentGroup<I, T>[]> {
  const groups = new Map<string, { agent: AgentTarget; items: I[] }>();
  for (const item of items) {
    const agent = agentOf(item);
    if (agent === null) continue;
    const key = agent.id !== undefined ? `id:${agent.id}` : `host:${agent.host}`;
    const group = groups.get(key);
    if (group) group.items.push(item);
    else groups.set(key, { agent, items: [item] });
  }
  const list = [...groups.values()];
  const itemsOf = new Map(list.map((g) => [g.agent, g.items]));
  const outcomes = await fanOut(
    list.map((g) => g.agent),
    (agent, signal) => task(agent, itemsOf.get(agent) ?? [], signal),
    options,
  );
  return list.map((g, i) => ({ ...g, outcome: outcomes[i] as AgentOutcome<T> }));
}
