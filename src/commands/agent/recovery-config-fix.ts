import type { Ctx } from '../../context/context.js';
import { ExitCode, recoveryFixExitCode, sharedAgentFailureCode, usageError, type ExitCodeValue } from '../../core/errors.js';
import { parseSetOption } from '../../domain/recovery/fix-plan.js';
import type { SettingName } from '../../domain/recovery/settings.js';
import type { AgentFixResult } from '../../operations/recovery/fix-apply.js';
import type { FleetFixPlan } from '../../operations/recovery/fix-plan.js';
import type { RollResult } from '../../operations/recovery/fix-roll.js';
import { plannedRestarts } from '../../operations/recovery/fix-candidates.js';
import { agentLabel, renderFixPlan, renderFixResults, renderRestartPlan, renderRoll } from '../../output/recovery-fix.js';
import { openJournal, reportUnwrittenRecords } from '../../safety/journal-open.js';
import { acquireDestructiveLock } from '../../safety/lock.js';
import { sshFlagsFrom, type SshCommandOptions } from '../ssh-options.js';

/** The `--fix` half of `agent recovery-config`: plan, confirm, write, read back, and with --restart the roll. */

export interface FixOptions extends SshCommandOptions {
  agent?: string[];
  set?: string;
  dryRun?: boolean;
  yes?: boolean;
  restart?: boolean;
  parallel?: string;
  restartTimeout?: string;
}

export interface FixReport {
  dryRun: boolean;
  agents: (ReturnType<typeof agentView> & { result: AgentFixResult | null })[];
  roll: RollResult | null;
  journal: string;
}

function agentView(a: FleetFixPlan['agents'][number]) {
  return { agent: a.agent, host: a.host, unit: a.unit, unreachable: a.report.unreachable, findings: a.report.findings, plan: a.plan };
}

export async function runFix(ctx: Ctx, options: FixOptions): Promise<ExitCodeValue> {
  let set: Partial<Record<SettingName, string>> | undefined;
  if (options.set !== undefined) {
    const parsed = parseSetOption(options.set);
    if ('problem' in parsed) throw usageError(`--set: ${parsed.problem}`);
    set = parsed.values;
  }
  const roll = await import('./recovery-config-roll.js');
  const rollOptions = options.restart ? roll.rollOptionsFrom(options) : null;
  if (!options.restart && (options.parallel !== undefined || options.restartTimeout !== undefined)) throw usageError('--parallel and --restart-timeout go with --restart');
  const clients = await ctx.cluster();
  if (!options.dryRun) acquireDestructiveLock(ctx, clients, 'recovery-fix');
  const journalItems = ['recovery-fix', `set:${options.set ?? 'findings'}`, ...(options.agent?.length ? [...options.agent].sort() : ['all'])];
  const journal = openJournal(ctx, clients, 'recovery-fix', journalItems);
  const sshFlags = sshFlagsFrom(options, options.yes === true);
  const { planFleetFix } = await import('../../operations/recovery/fix-plan.js');
  const fleet = await planFleetFix(clients, () => ctx.agents(sshFlags), { agents: options.agent ?? [], ...(set ? { set } : {}), signal: ctx.signal });
  const views = fleet.agents.map(agentView);
  const restarts = rollOptions ? plannedRestarts(fleet, journal) : [];
  const refused = fleet.agents.some((a) => (a.plan?.refused.length ?? 0) > 0);
  const unread = fleet.agents.some((a) => a.plan === null);
  for (const n of fleet.cluster.notes) ctx.log.warn(n);
  // Every agent failed over SSH the same way: nothing could be planned, and the cause (6/7) is the exit.
  const sshFailure = sharedAgentFailureCode(fleet.failures, fleet.contacted);
  if (sshFailure !== null) {
    if (ctx.opts.json) ctx.printJson({ dryRun: options.dryRun === true, agents: views, roll: null, journal: journal.path });
    else ctx.print(renderFixPlan(views));
    return sshFailure;
  }

  if (options.dryRun) {
    if (ctx.opts.json) ctx.printJson({ dryRun: true, agents: views, roll: null, journal: journal.path } satisfies Omit<FixReport, 'agents'> & { agents: unknown[] });
    else ctx.print(renderFixPlan(views) + (rollOptions ? `\n${renderRestartPlan(restarts, rollOptions.parallel)}` : ''));
    return refused ? ExitCode.REFUSED : unread ? ExitCode.PARTIAL : ExitCode.OK;
  }
  if (!ctx.opts.json) ctx.print(renderFixPlan(views) + (rollOptions ? `\n${renderRestartPlan(restarts, rollOptions.parallel)}` : ''));
  const editing = fleet.agents.filter((a) => (a.plan?.edits.length ?? 0) > 0);
  let results: AgentFixResult[] = [];
  if (editing.length === 0 && restarts.length > 0) {
    const { confirmDestruction, expectedConfirmation } = await import('../../safety/confirm.js');
    await confirmDestruction(ctx, {
      yes: options.yes === true,
      expected: expectedConfirmation(restarts.length),
      question: `Restart the mesos-agent on ${restarts.length} agent${restarts.length === 1 ? '' : 's'}.`,
      verb: { present: 'restart', past: 'restarted' },
    });
  }
  if (editing.length > 0) {
    const { confirmDestruction, expectedConfirmation } = await import('../../safety/confirm.js');
    const files = editing.reduce((n, a) => n + (a.plan?.edits.length ?? 0), 0);
    await confirmDestruction(ctx, {
      yes: options.yes === true,
      expected: expectedConfirmation(editing.length),
      question: `Edit ${files} file${files === 1 ? '' : 's'} on ${editing.length} agent${editing.length === 1 ? '' : 's'}${options.restart ? ', then restart them one by one' : ''}.`,
      verb: { present: 'edit', past: 'edited' },
    });
    const { applyFleetFix } = await import('../../operations/recovery/fix-apply.js');
    const access = await ctx.agents(sshFlags);
    results = await applyFleetFix(access, editing, {
      journal,
      backupDir: journal.path.replace(/\.jsonl$/, '.backups'),
      concurrency: access.settings.concurrency,
      signal: ctx.signal,
    });
  } else if (!options.restart) {
    ctx.log.info('Nothing to edit.');
  }
  let rollResult: RollResult | null = null;
  if (rollOptions) rollResult = await roll.runRoll(ctx, clients, fleet, restarts, results, journal, { ...rollOptions, sshFlags });

  const report: FixReport = {
    dryRun: false,
    agents: views.map((v) => ({ ...v, result: results.find((r) => r.agent === v.agent && r.host === v.host) ?? null })),
    roll: rollResult,
    journal: journal.path,
  };
  if (ctx.opts.json) ctx.printJson(report);
  else {
    if (results.length > 0) ctx.print(renderFixResults(results));
    if (rollResult) ctx.print(renderRoll(rollResult));
  }
  for (const r of results.filter((x) => x.outcome !== 'fixed')) ctx.log.warn(`${agentLabel(r)}: ${r.outcome}: ${r.error}`);
  if (rollResult?.interrupted) ctx.log.hint('Interrupted: re-run the same command to resume the roll; agents already back are not restarted again.');
  if (results.some((r) => r.outcome === 'failed' || r.outcome === 'interrupted')) ctx.log.hint('Re-run the same command to resume: files already fixed are not edited again.');
  reportUnwrittenRecords(ctx, journal);
  return recoveryFixExitCode(results, rollResult, refused, unread);
}

