import { Command } from 'commander';
import type { Ctx } from '../../context/context.js';
import { ExitCode, sharedAgentFailureCode, usageError, wipeExitCode, type ExitCodeValue } from '../../core/errors.js';
import { isValidAppId, normalizeAppId, parseTaskId } from '../../domain/task-id.js';
import { printable } from '../../domain/mesos-ids.js';
import type { Refusal, TaskWipeResult } from '../../domain/wipe-plan.js';
import { resolveWipeTargets, type WipeTargets } from '../../operations/wipe/targets.js';
import { renderWipePlan, renderWipeResults, reportWipeLeftovers } from '../../output/wipe.js';
import { openJournal, reportUnwrittenRecords } from '../../safety/journal-open.js';
import { acquireDestructiveLock } from '../../safety/lock.js';
import type { Factory } from '../factory.js';
import { addSshOptions, sshFlagsFrom, type SshCommandOptions } from '../ssh-options.js';
import { freedBy, tasksProgress, wipeSummary } from '../../output/summary.js';
import { withIdsFromStdin } from '../stdin-ids.js';

export interface WipeOptions extends SshCommandOptions {
  app?: string;
  allWaiting?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  backupDir?: string;
  skipData?: boolean;
  failFast?: boolean;
}

export function newCmdWipe(f: Factory, runF = run): Command {
  const cmd = new Command('wipe')
    .description('Free waiting tasks: delete their volume data on the agent, then expunge them from Marathon (wipe=true)')
    .argument('[task-id...]', 'Marathon task ids of waiting tasks; - reads them from stdin, one per line')
    .option('--app <id>', 'With --all-waiting: the app whose waiting tasks to wipe')
    .option('--all-waiting', 'Every waiting task of --app (with --skip-data: every task of it on a lost agent)')
    .option('--dry-run', 'Run every check and print the plan; change nothing')
    .option('-y, --yes', 'Do not ask for confirmation (required without a terminal)')
    .option('--backup-dir <dir>', 'Archive each volume (tar over SSH) here and verify it before deleting')
    .option('--skip-data', 'Agent gone: only expunge the task; the data stays on that node\'s disk')
    .option('--fail-fast', 'Stop at the first failed task (default: go on with the others)')
    .addHelpText(
      'after',
      `
What it does, per task: preflight (the task is not running; persistence id and role pass Mesos's
validation; the host path is rebuilt and lies under <work_dir>/volumes/roles/; over SSH it is a real
directory, not a symlink or another mount; no live container uses it) → plan → confirm → optional
backup → delete the directory's contents (dotfiles too, one filesystem, the directory itself kept) →
DELETE /v2/apps/<app>/tasks/<task>?wipe=true → re-read Marathon to confirm the task is gone.
Every step is journaled; re-running the same command after an interruption resumes it.
On a terminal, stderr shows n/N tasks and the bytes freed as it goes; every run (not --dry-run) ends
with one line on stderr: "<n> wiped, <bytes> freed, <n> refused, <n> failed, journal <path>".

Examples:
  $ stateful-ops wipe --dry-run postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1
  $ stateful-ops wipe --backup-dir ./backups postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1
  $ stateful-ops wipe --app /db/mysql --all-waiting --yes
  $ stateful-ops tasks list --app /db/mysql -q | stateful-ops wipe --yes -
  $ stateful-ops wipe --skip-data --yes postgres.instance-5e0c4a21-fd96-11e5-8e70-76a1c19f8c3d._app.1`,
    )
    .action(async (taskIds: string[], options: WipeOptions, c: Command) => f.execute(c, (ctx) => runF(ctx, taskIds, options)));
  return addSshOptions(cmd);
}

interface Targets extends WipeTargets {
  journalItems: string[];
}

function parseTargets(taskIds: string[], options: WipeOptions): Targets {
  if (taskIds.length > 0 && (options.app !== undefined || options.allWaiting)) {
    throw usageError('give task ids, or --app with --all-waiting, not both');
  }
  if (taskIds.length === 0) {
    if (!options.app || !options.allWaiting) {
      throw usageError('name the tasks to wipe, or use --app <id> --all-waiting', 'See `stateful-ops tasks list` for waiting tasks.');
    }
    const app = normalizeAppId(options.app);
    if (!isValidAppId(app)) throw usageError(`'${printable(options.app)}' is not a Marathon app id`);
    return { appIds: [app], taskIds: undefined, journalItems: [`app:${app}`] };
  }
  const apps = new Set<string>();
  for (const id of taskIds) {
    const parsed = parseTaskId(id);
    if (!parsed) throw usageError(`'${printable(id)}' is not a Marathon task id`);
    apps.add(parsed.appId);
  }
  return { appIds: [...apps], taskIds: new Set(taskIds), journalItems: [...new Set(taskIds)] };
}

export async function run(ctx: Ctx, givenIds: string[], options: WipeOptions): Promise<ExitCodeValue> {
  const taskIds = givenIds.includes('-') ? await withIdsFromStdin(ctx.io, givenIds) : givenIds;
  const targets = parseTargets(taskIds, options);
  const skipData = options.skipData === true;
  const clients = await ctx.cluster();
  if (!options.dryRun) acquireDestructiveLock(ctx, clients, 'wipe');
  const journal = openJournal(ctx, clients, 'wipe', targets.journalItems);
  if (journal.all().some((e) => e.step !== 'preflight') && !options.dryRun) ctx.log.info(`Resuming an earlier run (journal ${journal.path}).`);
  // 1. Resolve the targets from Marathon (resuming: what an earlier run already did is accounted for).
  const resolved = await resolveWipeTargets(clients, targets, journal.all(), skipData);
  for (const note of resolved.notes) ctx.log[note.level](note.text);
  const { inventory, candidates, alreadyExpunged, vanished, relaunchedSince } = resolved;

  // 2. Preflight: any doubt refuses the task; nothing is touched.
  const { preflightWipe } = await import('../../operations/wipe/preflight.js');
  const uncertain = inventory.warnings.map((w) => `cannot verify: ${w}`);
  const checked = candidates.filter((c) => uncertain.length === 0 || c.task.state === 'agent-lost');
  const pre = await preflightWipe(clients, () => ctx.agents(sshFlagsFrom(options, options.yes === true)), checked, {
    skipData,
    journal,
    signal: ctx.signal,
    backup: options.backupDir !== undefined,
  });
  const refusals: Refusal[] = [
    ...pre.refusals,
    ...candidates.filter((c) => !checked.includes(c)).map((c) => ({ app: c.task.app, task: c.task.task, reasons: uncertain })),
  ];

  // Every agent inspected failed over SSH the same way: the cause (6/7) is what a script acts on, not "refused".
  const sshFailure = pre.plans.length === 0 ? sharedAgentFailureCode(pre.failures, pre.contacted) : null;

  // 3. The plan: exactly what the execute step will run.
  const plan = { marathonUrl: clients.marathon.baseUrl, skipData, tasks: pre.plans, refused: refusals, alreadyExpunged, vanished, journal: journal.path, journalProblems: journal.problems };
  const summary = (results: TaskWipeResult[]) => ctx.log.info(wipeSummary(results, refusals.length, journal.path, skipData));
  if (options.dryRun) {
    if (ctx.opts.json) ctx.printJson({ dryRun: true, ...plan });
    else ctx.print(renderWipePlan(plan));
    if (sshFailure !== null) return sshFailure;
    return refusals.length > 0 ? ExitCode.REFUSED : ExitCode.OK;
  }
  if (!ctx.opts.json) ctx.print(renderWipePlan(plan));
  for (const r of refusals) journal.record(r.task, 'preflight', 'failed', { reasons: r.reasons });
  if (pre.plans.length === 0) {
    if (ctx.opts.json) ctx.printJson({ ...plan, results: relaunchedSince });
    else if (relaunchedSince.length > 0) ctx.print(renderWipeResults(relaunchedSince));
    reportWipeLeftovers(ctx.log, relaunchedSince);
    summary(relaunchedSince);
    if (relaunchedSince.length > 0) return ExitCode.CHANGED;
    if (sshFailure !== null) return sshFailure;
    if (refusals.length > 0) return ExitCode.REFUSED;
    ctx.log.info('Nothing to do.');
    return ExitCode.OK;
  }

  // 4. Confirm, then 5–8: backup, delete, expunge, verify.
  const { confirmDestruction, expectedConfirmation } = await import('../../safety/confirm.js');
  const appsInPlan = [...new Set(pre.plans.map((p) => p.app))].sort();
  await confirmDestruction(ctx, {
    yes: options.yes === true,
    expected: expectedConfirmation(pre.plans.length, appsInPlan[0]),
    question: `${skipData ? 'Expunge' : 'Delete the data of and expunge'} ${pre.plans.length} task${pre.plans.length === 1 ? '' : 's'} of ${appsInPlan.join(', ')}.`,
  });
  const { executeWipe } = await import('../../operations/wipe/execute.js');
  const access = skipData ? undefined : await ctx.agents(sshFlagsFrom(options, true));
  const finished: TaskWipeResult[] = [];
  const verb = skipData ? 'expunging' : 'wiping';
  ctx.progress(tasksProgress(verb, 0, pre.plans.length, 0));
  const results = await executeWipe(clients, access, pre.plans, {
    journal,
    ...(options.backupDir === undefined ? {} : { backupDir: options.backupDir }),
    failFast: options.failFast === true,
    concurrency: access?.settings.concurrency ?? 16,
    signal: ctx.signal,
    onProgress: (m) => ctx.log.verbose(m),
    onTaskDone: (r) => {
      finished.push(r);
      ctx.progress(tasksProgress(verb, finished.length, pre.plans.length, freedBy(finished)));
    },
  });
  ctx.progressDone();

  results.push(...relaunchedSince);
  if (ctx.opts.json) ctx.printJson({ ...plan, results });
  else ctx.print(renderWipeResults(results));
  reportWipeLeftovers(ctx.log, results);
  reportUnwrittenRecords(ctx, journal);
  summary(results);
  return wipeExitCode(results, refusals.length);
}
