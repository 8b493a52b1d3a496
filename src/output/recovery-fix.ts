import type { AgentFixPlan } from '../domain/recovery/fix-plan.js';
import type { Finding } from '../domain/recovery/rules.js';
import type { AgentFixResult } from '../operations/recovery/fix-apply.js';
import type { RollCandidate, RollResult } from '../operations/recovery/fix-roll.js';
import { renderTable } from './table.js';

/** `agent recovery-config --fix`: the plan as diffs, per agent, then what it leaves alone. */

export interface PlanView {
  agent: string | null;
  host: string | null;
  unreachable: string | null;
  plan: AgentFixPlan | null;
}

export function agentLabel(a: { agent: string | null; host: string | null }): string {
  if (a.agent !== null && a.host !== null) return `${a.agent} (${a.host})`;
  return a.agent ?? a.host ?? '-';
}

const finding = (f: Finding) => `${f.rule}${f.setting ? ` ${f.setting}` : ''}${f.location ? ` (${f.location})` : ''}`;

export function renderFixPlan(agents: readonly PlanView[]): string {
  const parts: string[] = [];
  for (const a of agents) {
    const lines = [`AGENT ${agentLabel(a)}`];
    if (a.unreachable !== null || a.plan === null) {
      lines.push(`  not read: ${a.unreachable ?? 'configuration unknown'}`);
      parts.push(lines.join('\n'));
      continue;
    }
    const p = a.plan;
    if (p.edits.length === 0 && p.refused.length === 0) lines.push('  nothing to edit');
    for (const e of p.edits) {
      lines.push(`  EDIT ${e.path}${e.before === null ? ' (new file)' : ''}: ${e.changes.map((c) => `${c.setting ?? 'line'} (${c.why})`).join(', ')}`);
      lines.push(...e.diff.trimEnd().split('\n').map((l) => `    ${l}`));
    }
    for (const r of p.refused) lines.push(`  REFUSED ${r.setting ?? 'agent'}: ${r.reason}`);
    if (p.addressed.length > 0) lines.push(`  clears: ${p.addressed.map(finding).join('; ')}`);
    const left = p.notAddressed.filter((f) => f.severity !== 'info' && f.rule !== 'drift');
    if (left.length > 0) lines.push(`  left as is: ${left.map(finding).join('; ')}`);
    const drift = p.notAddressed.filter((f) => f.rule === 'drift');
    if (drift.length > 0) lines.push(`  a restart applies: ${drift.map(finding).join('; ')} (--restart)`);
    parts.push(lines.join('\n'));
  }
  return `${parts.join('\n\n')}\n\n${planSummary(agents)}\n`;
}

export function planSummary(agents: readonly PlanView[]): string {
  const editing = agents.filter((a) => (a.plan?.edits.length ?? 0) > 0);
  const files = editing.reduce((n, a) => n + (a.plan?.edits.length ?? 0), 0);
  const refusals = agents.reduce((n, a) => n + (a.plan?.refused.length ?? 0), 0);
  const unread = agents.filter((a) => a.plan === null).length;
  return `${agents.length} agent${agents.length === 1 ? '' : 's'}: ${editing.length} to edit (${files} file${files === 1 ? '' : 's'}), ${refusals} refused, ${unread} not read`;
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

export function renderFixResults(results: AgentFixResult[]): string {
  return renderTable(
    [
      { header: 'AGENT', value: (r: AgentFixResult) => agentLabel(r) },
      { header: 'WRITTEN', value: (r) => r.written.map((w) => w.path).join(',') || '-' },
      { header: 'BACKUP', value: (r) => r.written.map((w) => w.backup ?? '(new file)').join(',') || '-' },
      { header: 'OUTCOME', value: (r) => (r.error ? `${r.outcome}: ${r.error}` : r.outcome) },
    ],
    results,
  );
}
