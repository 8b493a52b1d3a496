import type { ClusterClients, Ctx } from '../../context.js';
import { usageError } from '../../errors.js';
import type { AgentSshFlags } from '../../agent/settings.js';
import { parseSettingValue, sameSettingValue, SETTING_NAMES, type SettingName } from '../../domain/recovery/settings.js';
import { parseDowntime } from '../../domain/restart-check/verdict.js';
import type { Journal } from '../../journal/journal.js';
import type { AgentFixResult } from '../../operations/recovery-fix/apply.js';
import type { FleetFixPlan } from '../../operations/recovery-fix/plan.js';
import type { RollCandidate, RollResult } from '../../operations/recovery-fix/roll.js';
import { renderTable } from '../../output/table.js';

/** `--restart` of `agent recovery-config --fix`: which agents, how many at once, how long to wait, the outcome. */

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

/**
 * The agents a restart would bring in line with their files: those whose files (after the planned edits)
 * say something else than the running agent, and those an interrupted roll left restarting.
 */
export function plannedRestarts(fleet: FleetFixPlan, journal: Journal): RollCandidate[] {
  const out: RollCandidate[] = [];
  for (const a of fleet.agents) {
    if (!a.plan || !a.agent || !a.host || !a.unit || !a.report.settings) continue;
    const expected: Partial<Record<SettingName, string>> = {};
    const differs: SettingName[] = [];
    for (const n of SETTING_NAMES) {
      const after = a.plan.after[n];
      expected[n] = after;
      const live = a.report.settings[n].live;
      if (live !== null && parseSettingValue(n, after).ok && !sameSettingValue(n, after, live)) differs.push(n);
    }
    const pending = ['started', 'failed'].includes(journal.status(a.agent, 'restart') ?? '');
    if (differs.length === 0 && !pending) continue;
    out.push({ agent: a.agent, host: a.host, unit: a.unit, expected, why: differs.length > 0 ? `runs other values than its files: ${differs.join(', ')}` : 'left restarting by an earlier run' });
  }
  return out;
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
  const { rollRestart } = await import('../../operations/recovery-fix/roll.js');
  return rollRestart(clients, () => ctx.agents(o.sshFlags), go, {
    journal,
    parallel: o.parallel,
    timeoutMs,
    pollMs: POLL_MS,
    signal: ctx.signal,
    onProgress: (m) => ctx.log.info(m),
  });
}

export function renderRestartPlan(candidates: readonly RollCandidate[], parallel: number): string {
  if (candidates.length === 0) return 'RESTART: none (every agent runs what its files say)\n';
  const head = `RESTART ${parallel === 1 ? 'one at a time' : `up to ${parallel} at once (never two holding the same stateful app)`}, each only if restart-check says its tasks survive:`;
  return `${[head, ...candidates.map((c) => `  ${c.agent} (${c.host}) ${c.unit}: ${c.why}`)].join('\n')}\n`;
}

export function renderRoll(r: RollResult): string {
  const parts: string[] = [];
  if (r.agents.length > 0) {
    parts.push(
      renderTable(
        [
          { header: 'AGENT', value: (a: RollResult['agents'][number]) => `${a.agent} (${a.host})` },
          { header: 'RESTART', value: (a) => a.outcome },
          { header: 'TASKS KEPT', value: (a) => (a.tasksKept === null ? '-' : a.tasksKept), align: 'right' },
          { header: 'DETAIL', value: (a) => a.error ?? '-' },
        ],
        r.agents,
      ).trimEnd(),
    );
  }
  if (r.stoppedAt) {
    const left = r.agents.filter((a) => a.outcome === 'not-reached').length;
    parts.push(
      `ROLL STOPPED at ${r.stoppedAt.agent} (${r.stoppedAt.host}): ${r.stoppedAt.reason}\n` +
        `${left} agent${left === 1 ? '' : 's'} not restarted. Find out why that agent did not come back (journalctl -u on it), then run the same command again: restarted agents are skipped.`,
    );
  }
  return parts.length === 0 ? '' : `${parts.join('\n\n')}\n`;
}
