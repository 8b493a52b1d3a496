import type { ClusterClients, Ctx } from '../../context/context.js';
import { usageError } from '../../core/errors.js';
import type { AgentSshFlags } from '../../agent/settings.js';
import { parseDowntime } from '../../domain/restart-check/verdict.js';
import type { Journal } from '../../journal/journal.js';
import type { AgentFixResult } from '../../operations/recovery/fix-apply.js';
import type { FleetFixPlan } from '../../operations/recovery/fix-plan.js';
import type { RollCandidate, RollResult } from '../../operations/recovery/fix-roll.js';

/** `--restart` of `agent recovery-config --fix`: how many at once, how long to wait. */

const POLL_MS = 500;

export interface RollFlags {
  parallel: number;
  /** null: the master's re-registration window. */
  timeoutMs: number | null;
}

export function rollOptionsFrom(o: { parallel?: string; restartTimeout?: string }): RollFlags {
  let parallel = 1;
  if (o.parallel !== undefined) {
    parallel = Number(o.parallel);
    if (!Number.isInteger(parallel) || parallel <= 0) throw usageError(`--parallel must be a positive whole number, got '${o.parallel}'`);
  }
  let timeoutMs: number | null = null;
  if (o.restartTimeout !== undefined) {
    const parsed = parseDowntime(o.restartTimeout);
    if ('problem' in parsed || parsed.ms <= 0) throw usageError(`--restart-timeout: ${'problem' in parsed ? parsed.problem : 'must be more than 0'}`);
    timeoutMs = parsed.ms;
  }
  return { parallel, timeoutMs };
}

export async function runRoll(
  ctx: Ctx,
  clients: ClusterClients,
  fleet: FleetFixPlan,
  candidates: RollCandidate[],
  fixed: readonly AgentFixResult[],
  journal: Journal,
  o: RollFlags & { sshFlags: AgentSshFlags },
): Promise<RollResult> {
  // An agent whose edit did not go through as planned is not restarted onto half-written files.
  const bad = new Set(fixed.filter((r) => r.outcome !== 'fixed').map((r) => r.agent));
  const go = candidates.filter((c) => !bad.has(c.agent));
  const windowMs = (fleet.cluster.reregistrationWindow?.seconds ?? 75) * 1000;
  const timeoutMs = o.timeoutMs ?? windowMs;
  if (o.timeoutMs !== null && o.timeoutMs > windowMs) {
    ctx.log.warn(`--restart-timeout ${o.timeoutMs / 1000}s is longer than the master's re-registration window (${windowMs / 1000}s): an agent that late is marked unreachable`);
  }
  if (go.length === 0) ctx.log.info('Nothing to restart.');
  const { rollRestart } = await import('../../operations/recovery/fix-roll.js');
  return rollRestart(clients, () => ctx.agents(o.sshFlags), go, {
    journal,
    parallel: o.parallel,
    timeoutMs,
    pollMs: POLL_MS,
    signal: ctx.signal,
    onProgress: (m) => ctx.log.info(m),
  });
}
