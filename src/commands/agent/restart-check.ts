import { Command, Option } from 'commander';
import type { Ctx } from '../../context/context.js';
import { ExitCode, sharedAgentFailureCode, usageError, type ExitCodeValue } from '../../core/errors.js';
import { summarizeCheck, type FailOn } from '../../domain/restart-check/summary.js';
import { parseDowntime } from '../../domain/restart-check/verdict.js';
import { checkedAgentName, renderRestartCheck, type RestartCheckReport } from '../../output/restart-check.js';
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
  const notes = [...report.notes, ...report.agents.flatMap((a) => a.notes.map((n) => `${checkedAgentName(a)}: ${n}`))];
  for (const n of notes) ctx.log.warn(n);
  if (ctx.opts.json) ctx.printJson(report);
  else ctx.print(renderRestartCheck(report, ctx.paint));
  // No agent's recovery settings could be read, all for one reason: the verdicts are guesses; fix that first.
  if (sshFailure !== null) return sshFailure;
  if (report.summary.failed) return ExitCode.CHECK_FAILED;
  return notes.length > 0 || report.summary.verdicts.unknown > 0 ? ExitCode.PARTIAL : ExitCode.OK;
}
