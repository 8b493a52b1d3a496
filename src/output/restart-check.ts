import type { ChalkInstance } from 'chalk';
import type { AppImpact } from '../domain/restart-check/impact.js';
import { checkSummaryLine, type CheckSummary } from '../domain/restart-check/summary.js';
import type { AgentCheck, RestartCheck } from '../operations/agents/restart-check.js';
import { paintWord } from './colour.js';
import { renderTable } from './table.js';

/** `agent restart-check`: what a restart or reboot does to each agent's tasks and to the stateful apps. */

export interface RestartCheckReport extends RestartCheck {
  summary: CheckSummary;
}

const DASH = '-';

export function checkedAgentName(a: Pick<AgentCheck, 'agent' | 'host'>): string {
  if (a.agent !== null && a.host !== null) return `${a.agent} (${a.host})`;
  return a.agent ?? a.host ?? DASH;
}

export function renderRestartCheck(report: RestartCheckReport, paint?: ChalkInstance): string {
  const parts: string[] = [];
  const head =
    report.mode === 'reboot'
      ? 'Reboot of the host: every task on it dies'
      : `Restart of the mesos-agent process${report.requestedDowntimeSeconds === null ? '' : `, down for ${report.requestedDowntimeSeconds}s`}; master re-registration window ${report.windowSeconds === null ? 'unknown' : `${report.windowSeconds}s`}`;
  parts.push(head);
  parts.push(
    renderTable(
      [
        { header: 'AGENT', value: (a: AgentCheck) => a.agent ?? DASH },
        { header: 'HOST', value: (a) => a.host ?? DASH },
        ...(report.mode === 'restart'
          ? [
              { header: 'RECOVER', value: (a: AgentCheck) => a.recovery?.recover ?? DASH },
              { header: 'RECOVERY_TIMEOUT', value: (a: AgentCheck) => a.recovery?.recoveryTimeout ?? DASH },
              { header: 'DOWN', value: (a: AgentCheck) => (a.downtimeSeconds === null ? DASH : `${a.downtimeSeconds}s`), align: 'right' as const },
            ]
          : []),
        { header: 'TASKS', value: (a) => a.tasks.length, align: 'right' },
        { header: 'VERDICT', value: (a) => (paint ? paintWord(paint, a.verdict) : a.verdict) },
      ],
      report.agents,
    ).trimEnd(),
  );
  const withTasks = report.agents.filter((a) => a.tasks.length > 0 || a.notes.length > 0);
  if (withTasks.length > 0) parts.push(['TASKS', ...withTasks.flatMap(renderAgentTasks)].join('\n'));
  if (report.statefulApps.length > 0) parts.push(renderApps(report.statefulApps));
  parts.push(checkSummaryLine(report.summary) + (report.summary.failed ? ` — fails at --fail-on ${report.summary.failOn}` : ''));
  return `${parts.join('\n\n')}\n`;
}

function renderAgentTasks(a: AgentCheck): string[] {
  const lines = [checkedAgentName(a)];
  for (const n of a.notes) lines.push(`  note: ${n}`);
  for (const t of a.tasks) {
    const what = t.marathon ? `${t.marathon.app}${t.marathon.resident ? ' (resident)' : ''}` : t.framework.name;
    lines.push(`  ${t.verdict.padEnd(8)}  ${t.task}  ${what}`);
    for (const r of t.reasons) lines.push(`            ${r}`);
    if (t.remedy) lines.push(`            remedy: ${t.remedy}`);
  }
  return lines;
}

function renderApps(apps: AppImpact[]): string {
  const flags = (a: AppImpact) =>
    [a.losesLastInstance ? 'LAST RUNNING INSTANCE' : '', a.onlyCopy ? 'ONLY COPY OF ITS DATA' : ''].filter(Boolean).join(', ') || DASH;
  const here = (a: AppImpact) => {
    const killed = a.here.filter((t) => t.killed).length;
    const waiting = a.here.filter((t) => t.state !== 'running').length;
    return [killed > 0 ? `${killed} killed` : '', waiting > 0 ? `${waiting} ${waiting === 1 ? 'is' : 'are'} not running` : '', a.here.length - killed - waiting > 0 ? `${a.here.length - killed - waiting} kept` : '']
      .filter(Boolean)
      .join(', ');
  };
  const table = renderTable(
    [
      { header: 'APP', value: (a: AppImpact) => a.app },
      { header: 'HERE', value: here },
      { header: 'HEALTHY ELSEWHERE', value: (a) => a.healthyElsewhere, align: 'right' },
      { header: 'OTHER INSTANCES', value: (a) => a.instancesElsewhere, align: 'right' },
      { header: 'FLAGS', value: flags },
    ],
    apps,
  ).trimEnd();
  const lines = ['STATEFUL APPS (instances pinned to these agents wait for them: their reservations stay there)', table];
  for (const a of apps.filter((x) => x.onlyCopy || x.losesLastInstance)) {
    for (const t of a.here.filter((x) => x.killed)) {
      lines.push(`  ${a.app}: ${t.task} on ${t.host ?? t.agentId ?? DASH} holds ${t.persistenceIds.join(', ')}${a.onlyCopy ? ' — no other instance holds a volume of this app' : ''}`);
    }
  }
  return lines.join('\n');
}
