import type { AppImpact } from './impact.js';
import type { AgentVerdict, CheckMode, TaskVerdict } from './verdict.js';

/** The exit-code side of `agent restart-check`: which outcomes count as an error or a warning for --fail-on. */

export type FailOn = 'warning' | 'error';

export interface CheckSummary {
  agents: number;
  verdicts: Record<AgentVerdict, number>;
  tasks: Record<TaskVerdict, number>;
  /** Stateful apps whose last running instance dies. */
  appsLosingLastInstance: number;
  failOn: FailOn;
  /** The worst outcome: `error` (a task killed by a restart; an app losing its last instance to a reboot), `warning`, or `ok`. */
  level: 'ok' | 'warning' | 'error';
  failed: boolean;
}

export function summarizeCheck(
  mode: CheckMode,
  agents: readonly { verdict: AgentVerdict; tasks: readonly { verdict: TaskVerdict; marathon: { resident: boolean } | null }[] }[],
  apps: readonly AppImpact[],
  failOn: FailOn,
): CheckSummary {
  const verdicts: Record<AgentVerdict, number> = { 'nothing-running': 0, survives: 0, 'at-risk': 0, unknown: 0, killed: 0 };
  const tasks: Record<TaskVerdict, number> = { survives: 0, 'at-risk': 0, unknown: 0, killed: 0 };
  for (const a of agents) {
    verdicts[a.verdict] += 1;
    for (const t of a.tasks) tasks[t.verdict] += 1;
  }
  const losing = apps.filter((a) => a.losesLastInstance).length;
  let level: CheckSummary['level'];
  if (mode === 'reboot') {
    const residentKilled = agents.some((a) => a.tasks.some((t) => t.verdict === 'killed' && t.marathon?.resident));
    level = losing > 0 ? 'error' : residentKilled || verdicts.unknown > 0 ? 'warning' : 'ok';
  } else {
    level = tasks.killed > 0 ? 'error' : tasks['at-risk'] + tasks.unknown + verdicts.unknown > 0 ? 'warning' : 'ok';
  }
  const failed = level === 'error' || (level === 'warning' && failOn === 'warning');
  return { agents: agents.length, verdicts, tasks, appsLosingLastInstance: losing, failOn, level, failed };
}

/** `5 agents: 1 killed, 1 at-risk, 2 survives, 1 nothing-running; 9 tasks: 4 killed, …` */
export function checkSummaryLine(s: CheckSummary): string {
  const part = (counts: Record<string, number>) =>
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([v, n]) => `${n} ${v}`)
      .join(', ') || 'none';
  const taskCount = Object.values(s.tasks).reduce((a, b) => a + b, 0);
  const apps = s.appsLosingLastInstance > 0 ? `; ${s.appsLosingLastInstance} stateful app${s.appsLosingLastInstance === 1 ? ' loses its' : 's lose their'} last running instance` : '';
  return `${s.agents} agent${s.agents === 1 ? '' : 's'}: ${part(s.verdicts)}; ${taskCount} task${taskCount === 1 ? '' : 's'}: ${part(s.tasks)}${apps}`;
}
