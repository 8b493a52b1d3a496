import { Command } from 'commander';
import type { Ctx } from '../../context/context.js';
import { ExitCode, sharedAgentFailureCode, type ExitCodeValue } from '../../core/errors.js';
import type { OrphanReservation } from '../../domain/orphan-reservations.js';
import type { PurgePlan, PurgeResult } from '../../operations/orphans/purge.js';
import type { ReleaseResult } from '../../operations/orphans/release.js';
import type { OrphanReport } from '../../operations/orphans/find.js';
import type { PlannedRefusal } from '../../output/plan.js';
import type { Factory } from '../factory.js';
import { formatBytes } from '../../output/bytes.js';
import { addSshOptions, sshFlagsFrom, type SshCommandOptions } from '../ssh-options.js';

export interface VolumesOrphansOptions extends SshCommandOptions {
  purge?: boolean;
  releaseReservations?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

export function newCmdVolumesOrphans(f: Factory, runF = run): Command {
  const cmd = new Command('orphans')
    .description('Find volume data and reservations nothing uses any more; optionally delete / release them')
    .option('--purge', 'Delete the orphaned volume directories (contents, then the directory)')
    .option('--release-reservations', 'Release the orphaned reservations (DESTROY_VOLUMES, then UNRESERVE_RESOURCES)')
    .option('--dry-run', 'With --purge / --release-reservations: run every check, print the plan, change nothing')
    .option('-y, --yes', 'Do not ask for confirmation (required without a terminal)')
    .addHelpText(
      'after',
      `
Orphan data: a directory <work_dir>/volumes/roles/<role>/<id> on an agent for which the Mesos master
lists no persistent volume with that role and id on that agent (a pre-1.0 Mesos kept the data of
destroyed volumes) and no Marathon task or pod instance of any app lists that persistence id. Every
agent the master lists is examined over SSH; sizes come from du. An agent whose /slaves entry has no
reserved_resources_full, or a Marathon that cannot be read, means "could not be checked" (exit 5),
never "no volumes".
Orphan reservations: reserved resources labelled with Marathon's framework id whose marathon_task_id
no Marathon task has, and reservations of another framework on Marathon's role. Each is shown with the
Mesos operator API calls that release it (named and counted; each call's exact body with -v or --json). A reservation made in the last few seconds may belong
to an instance Marathon does not list yet: re-run before releasing.

--purge and --release-reservations check everything again right before each directory and each
reservation (the master, Marathon, work_dir; validated role and id, exact path, real directory, no
other mount); the remove runs behind the agent-side fence in the same SSH command (no symlink from
work_dir down, the same directory as inspected, not mounted or open anywhere). They confirm and journal
every step; re-running after an interruption resumes, and a directory that is back is removed again.
On a terminal stderr shows agents scanned n/N and, with --purge, directories removed n/N with the bytes
freed; every run (not --dry-run) ends with one line on stderr: "<n> removed, <bytes> freed, <n> released,
<n> refused, <n> failed, journal <path>".
Exit codes: 0 done, 4 all refused, 5 partly done or not everything checked, 6/7 no agent examined (every
one failed the same way over SSH), 1 failed, 10 declined at the prompt, 130 interrupted.

Examples:
  $ stateful-ops volumes orphans
  $ stateful-ops --json volumes orphans | jq '.totals'
  $ stateful-ops volumes orphans --purge --dry-run
  $ stateful-ops volumes orphans --purge --release-reservations --yes`,
    )
    .action(async (options: VolumesOrphansOptions, c: Command) => f.execute(c, (ctx) => runF(ctx, options)));
  return addSshOptions(cmd);
}

export async function run(ctx: Ctx, options: VolumesOrphansOptions): Promise<ExitCodeValue> {
  const clients = await ctx.cluster();
  if ((options.purge || options.releaseReservations) && !options.dryRun) {
    (await import('../../safety/lock.js')).acquireDestructiveLock(ctx, clients, 'volumes orphans');
  }
  const agents = () => ctx.agents(sshFlagsFrom(options, options.yes === true));
  const { findOrphans } = await import('../../operations/orphans/find.js');
  const { renderReport, totalsOf } = await import('../../output/orphans.js');
  const { agentsProgress, orphansSummary } = await import('../../output/summary.js');
  const { ssh, ...report } = await findOrphans(clients, agents, ctx.signal, (done, total) => ctx.progress(agentsProgress(done, total)));
  ctx.progressDone();
  for (const w of report.warnings) ctx.log.warn(w);
  const calls = ctx.opts.verbose > 0;
  const operatorUrl = clients.mesos.operatorUrl;
  const reportJson = { ...report, totals: totalsOf(report.data, report.reservations) };
  // No agent could be examined, all for one reason: that cause (6/7), not "partly checked" (5).
  const incomplete = sharedAgentFailureCode(ssh.failures, ssh.contacted) ?? (report.warnings.length > 0 ? ExitCode.PARTIAL : ExitCode.OK);
  if (!options.purge && !options.releaseReservations) {
    if (ctx.opts.json) ctx.printJson(reportJson);
    else ctx.print(renderReport(report.data, report.reservations, report.skipped, operatorUrl, calls));
    return incomplete;
  }
  if (!ctx.opts.json) ctx.print(renderReport(report.data, report.reservations, report.skipped, operatorUrl, calls));

  const plan = await planCleanup(ctx, report, options, agents);
  const { renderCleanupPlan, renderCleanupResults } = await import('../../output/orphans.js');
  const planJson = { data: plan.data, reservations: plan.reservations, refused: plan.refused, journal: plan.journal.path, journalProblems: plan.journal.problems };
  if (!ctx.opts.json) ctx.print(`\n${renderCleanupPlan(plan, operatorUrl, calls)}`);
  const refusedCode = plan.refused.length > 0 ? ExitCode.REFUSED : incomplete;
  if (options.dryRun || plan.data.length + plan.reservations.length === 0) {
    // A dry run has no results; a run with nothing to do has empty ones, in the shape of a real run's.
    if (ctx.opts.json) {
      ctx.printJson(options.dryRun ? { ...reportJson, dryRun: true, plan: planJson } : { ...reportJson, dryRun: false, plan: planJson, results: { purged: [], released: [] } });
    }
    if (!options.dryRun) {
      ctx.log.info('Nothing to do.');
      ctx.log.info(orphansSummary([], [], plan.refused.length, plan.journal.path));
    }
    return refusedCode;
  }

  const { confirmDestruction, expectedConfirmation } = await import('../../safety/confirm.js');
  const count = plan.data.length + plan.reservations.length;
  await confirmDestruction(ctx, {
    yes: options.yes === true,
    expected: expectedConfirmation(count),
    question: `Remove ${plan.data.length} orphaned volume director${plan.data.length === 1 ? 'y' : 'ies'} and release ${plan.reservations.length} reservation${plan.reservations.length === 1 ? '' : 's'}.`,
  });
  let purged: PurgeResult[] = [];
  let released: ReleaseResult[] = [];
  const progress = (m: string) => ctx.log.verbose(m);
  if (plan.data.length > 0) {
    const { executePurge } = await import('../../operations/orphans/purge.js');
    const done: PurgeResult[] = [];
    const show = () => ctx.progress(`removing: ${done.length}/${plan.data.length} directories, ${formatBytes(done.reduce((a, p) => a + p.bytes, 0))} freed`);
    show();
    purged = await executePurge(clients, await agents(), plan.data, {
      journal: plan.journal,
      signal: ctx.signal,
      onProgress: progress,
      onDone: (r) => {
        done.push(r);
        show();
      },
    });
    ctx.progressDone();
  }
  if (plan.reservations.length > 0) {
    const { executeRelease } = await import('../../operations/orphans/release.js');
    const concurrency = (await agents()).settings.concurrency;
    released = await executeRelease(clients, plan.reservations, { journal: plan.journal, signal: ctx.signal, concurrency, onProgress: progress });
  }
  if (ctx.opts.json) ctx.printJson({ ...reportJson, plan: planJson, results: { purged, released } });
  else ctx.print(renderCleanupResults(purged, released));
  (await import('../../safety/journal-open.js')).reportUnwrittenRecords(ctx, plan.journal);
  ctx.log.info(orphansSummary(purged, released, plan.refused.length, plan.journal.path));
  return cleanupExitCode(ctx, [...purged, ...released], plan.refused.length > 0, incomplete);
}

/** 0 all done; 5 some done, or done but something refused / not checked; 4 all refused; 1 failed; 130 interrupted. */
function cleanupExitCode(ctx: Ctx, results: (PurgeResult | ReleaseResult)[], refusedInPlan: boolean, incomplete: ExitCodeValue): ExitCodeValue {
  const done = (r: PurgeResult | ReleaseResult) => r.outcome === 'removed' || r.outcome === 'removed-unconfirmed' || r.outcome === 'released';
  if (results.some((r) => r.outcome === 'interrupted')) return ExitCode.INTERRUPTED;
  if (results.some((r) => r.outcome === 'failed')) ctx.log.hint('Re-run the same command to resume: finished steps are not repeated.');
  if (results.every(done)) return refusedInPlan ? ExitCode.PARTIAL : incomplete;
  if (results.some(done)) return ExitCode.PARTIAL;
  return results.every((r) => r.outcome === 'refused') ? ExitCode.REFUSED : ExitCode.ERROR;
}

interface CleanupPlan {
  data: PurgePlan[];
  reservations: OrphanReservation[];
  refused: PlannedRefusal[];
  journal: import('../../journal/journal.js').Journal;
}

/** Preflight of both kinds of cleanup; the journal is keyed on everything that was found. */
async function planCleanup(
  ctx: Ctx,
  report: OrphanReport,
  options: VolumesOrphansOptions,
  agents: () => ReturnType<Ctx['agents']>,
): Promise<CleanupPlan> {
  const clients = await ctx.cluster();
  const [{ openJournal }, { preflightPurge, purgeItem }, { preflightRelease }] = await Promise.all([
    import('../../safety/journal-open.js'),
    import('../../operations/orphans/purge.js'),
    import('../../operations/orphans/release.js'),
  ]);
  const data = options.purge ? report.data : [];
  const reservations = options.releaseReservations ? report.reservations : [];
  const items = [...data.map(purgeItem), ...reservations.map((r) => r.key)];
  const journal = openJournal(ctx, clients, 'orphans', items);
  if (journal.all().length > 0 && !options.dryRun) ctx.log.info(`Resuming an earlier run (journal ${journal.path}).`);
  const purge = data.length > 0 ? await preflightPurge(clients, await agents(), data, { journal, signal: ctx.signal }) : { plans: [], refusals: [] };
  const release = reservations.length > 0 ? await preflightRelease(clients, reservations) : { plans: [], refusals: [] };
  return { data: purge.plans, reservations: release.plans, refused: [...purge.refusals, ...release.refusals], journal };
}
