import { Command, Option } from 'commander';
import type { Ctx } from '../../context/context.js';
import { ExitCode, sharedAgentFailureCode, usageError, type ExitCodeValue } from '../../core/errors.js';
import type { AppImpact } from '../../domain/restart-check/impact.js';
import { checkSummaryLine, summarizeCheck, type CheckSummary, type FailOn } from '../../domain/restart-check/summary.js';
import { parseDowntime } from '../../domain/restart-check/verdict.js';
import type { AgentCheck, RestartCheck } from '../../operations/agents/restart-check.js';
import { renderTable } from '../../output/table.js';
import { paintWord } from '../../output/colour.js';
import type { ChalkInstance } from 'chalk';
import type { Factory } from '../factory.js';
import { addSshOptions, sshFlagsFrom, type SshCommandOptions } from '../ssh-options.js';

export interface RestartCheckOptions extends SshCommandOptions {
  reboot?: boolean;
  downtime?: string;
  failOn: FailOn;
}

export function newCmdAgentRestartCheck(f: Factory, runF = run): Command {
  const cmd = new Command('restart-check')
    .description('What a mesos-agent restart (or, with --reboot, a reboot of the host) does to every task on the agents')
    .argument('<agent...>', 'Mesos agent ids or hostnames')
    .option('--reboot', 'An OS reboot instead of a process restart: every task dies; shows which stateful apps lose instances')
    .option('--downtime <duration>', 'How long the agent stays stopped (e.g. 90s, 10min, 30mins); at least the unit\'s RestartSec')
    .addOption(new Option('--fail-on <level>', 'Exit 8 when the outcome is at or above this level').choices(['warning', 'error']).default('error'))
    .addHelpText(
      'after',
      `
A task survives a process restart only if its framework checkpoints (master /state), the agent recovers
(recover=reconnect and its files let it start), it is back within recovery_timeout, and it re-registers
within the master's window (partition-aware frameworks' tasks outlive a late re-registration). The agent's
settings are read over SSH as \`agent recovery-config\` reads them.
Outcome levels: error = a restart kills a task, or a reboot takes a stateful app's last running instance;
warning = at risk or unknown, or a reboot pins stateful instances until the agent returns.
Exit codes: 8 at --fail-on, 5 when something could not be checked, 0 otherwise.

Examples:
  $ stateful-ops agent restart-check 127.0.0.167
  $ stateful-ops agent restart-check --downtime 30mins d935ca7e-e29d-4503-94e7-25fe9f16847c-S3
  $ stateful-ops agent restart-check --reboot 127.0.0.167 127.0.0.171
  $ stateful-ops --json agent restart-check --reboot 127.0.0.171 | jq '.statefulApps[] | select(.losesLastInstance)'`,
    )
    .action(async (agents: string[], options: RestartCheckOptions, c: Command) => f.execute(c, (ctx) => runF(ctx, agents, options)));
  return addSshOptions(cmd);
}

export interface RestartCheckReport extends RestartCheck {
  summary: CheckSummary;
}

async function restartCheckReport(ctx: Ctx, agents: readonly string[], options: RestartCheckOptions): Promise<{ report: RestartCheckReport; sshFailure: ExitCodeValue | null }> {
  let downtimeMs: number | null = null;
  if (options.downtime !== undefined) {
    if (options.reboot) throw usageError('--downtime is for a process restart; a reboot kills every task whatever its length');
    const parsed = parseDowntime(options.downtime);
    if ('problem' in parsed) throw usageError(`--downtime: ${parsed.problem}`);
    downtimeMs = parsed.ms;
  }
  const mode = options.reboot ? 'reboot' : 'restart';
  const [clients, { checkRestart }] = await Promise.all([ctx.cluster(), import('../../operations/agents/restart-check.js')]);
  const { ssh, ...check } = await checkRestart(clients, () => ctx.agents(sshFlagsFrom(options)), { agents, mode, downtimeMs, signal: ctx.signal });
  const report = { ...check, summary: summarizeCheck(mode, check.agents, check.statefulApps, options.failOn) };
  return { report, sshFailure: sharedAgentFailureCode(ssh.failures, ssh.contacted) };
}

export async function run(ctx: Ctx, agents: string[], options: RestartCheckOptions): Promise<ExitCodeValue> {
  const { report, sshFailure } = await restartCheckReport(ctx, agents, options);
  const notes = [...report.notes, ...report.agents.flatMap((a) => a.notes.map((n) => `${who(a)}: ${n}`))];
  for (const n of notes) ctx.log.warn(n);
  if (ctx.opts.json) ctx.printJson(report);
  else ctx.print(renderRestartCheck(report, ctx.paint));
  // No agent's recovery settings could be read, all for one reason: the verdicts are guesses; fix that first.
  if (sshFailure !== null) return sshFailure;
  if (report.summary.failed) return ExitCode.CHECK_FAILED;
  return notes.length > 0 || report.summary.verdicts.unknown > 0 ? ExitCode.PARTIAL : ExitCode.OK;
}

const DASH = '-';

function who(a: Pick<AgentCheck, 'agent' | 'host'>): string {
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
  const lines = [who(a)];
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
