import { dirname } from 'node:path';
import { Command } from 'commander';
import type { Ctx } from '../../context/context.js';
import { CliError, ExitCode, sharedAgentFailureCode, usageError, type ExitCodeValue } from '../../core/errors.js';
import { restoreRefusals } from '../../domain/backup-manifest.js';
import { printable } from '../../domain/mesos-ids.js';
import { parseTaskId } from '../../domain/task-id.js';
import { renderRestorePlan } from '../../output/backups.js';
import { openJournal, reportUnwrittenRecords } from '../../safety/journal-open.js';
import { acquireDestructiveLock } from '../../safety/lock.js';
import type { Factory } from '../factory.js';
import { addSshOptions, sshFlagsFrom, type SshCommandOptions } from '../ssh-options.js';

export interface VolumesRestoreOptions extends SshCommandOptions {
  replace?: boolean;
  backupDir?: string;
  dryRun?: boolean;
  yes?: boolean;
}

export function newCmdVolumesRestore(f: Factory, runF = run): Command {
  const cmd = new Command('restore')
    .description("Write a volume archive into a waiting task's empty volume (same app and container path, any agent)")
    .argument('<archive>', 'A .tar written by `volumes backup` or `wipe --backup-dir` (its .tar.json manifest beside it)')
    .argument('<task-id>', 'The waiting task whose volume receives it')
    .option('--replace', 'The volume is not empty: back up what is there (same format), delete it, then restore')
    .option('--backup-dir <dir>', "With --replace: where what is there goes (default: the archive's directory)")
    .option('--dry-run', 'Run every check and print the plan; change nothing')
    .option('-y, --yes', 'Do not ask for confirmation (required without a terminal)')
    .addHelpText(
      'after',
      `
Before anything is sent, the archive is read back against its manifest (size, sha256, entries, file
bytes): a damaged or edited archive is refused (exit 4). Then, like wipe: preflight (the task waits,
not relaunched, no deployment, agent active, the volume a real directory nothing uses) → plan →
confirm → re-check → [--replace: backup, fenced delete] → the fenced extraction, which checks on the
agent in the same command that the directory is the one inspected, unused and empty, and runs tar as
root (--sudo) keeping owners, modes and times → entries and file bytes counted against the manifest.
Every step is journaled; re-running the same command after an interruption resumes it.

Examples:
  $ stateful-ops volumes restore --dry-run --sudo ./backups/postgres__…__pgdata__20261202T005511.908Z.tar postgres.instance-a0000003-0000-11ee-b000-0242ac13000f._app.1
  $ stateful-ops volumes restore --yes --sudo ./backups/postgres__…__pgdata__20261202T005511.908Z.tar postgres.instance-a0000003-0000-11ee-b000-0242ac13000f._app.1
  $ stateful-ops volumes restore --yes --sudo --replace --backup-dir ./replaced ./backups/postgres__…__pgdata__20261202T005511.908Z.tar postgres.instance-a0000003-0000-11ee-b000-0242ac13000f._app.1`,
    )
    .action(async (archive: string, taskId: string, options: VolumesRestoreOptions, c: Command) => f.execute(c, (ctx) => runF(ctx, archive, taskId, options)));
  return addSshOptions(cmd);
}

export async function run(ctx: Ctx, archive: string, taskId: string, options: VolumesRestoreOptions): Promise<ExitCodeValue> {
  if (!parseTaskId(taskId)) throw usageError(`'${printable(taskId)}' is not a Marathon task id`);
  if (options.backupDir !== undefined && !options.replace) throw usageError('--backup-dir goes with --replace');
  // 1. The archive is what its manifest says, before anything else happens.
  const { checkArchive } = await import('../../operations/backup/archive.js');
  const checked = await checkArchive(archive, true);
  if (checked.manifest === null || checked.problems.length > 0) {
    throw new CliError('refused', `refusing to restore ${archive}: ${checked.problems.join('; ')}; nothing was sent`, {
      hint: 'Restore another archive (`stateful-ops volumes backups --verify <dir>` lists the good ones).',
    });
  }
  const manifest = checked.manifest;

  // 2. The target: a waiting task of the same app with a volume at the same container path.
  const clients = await ctx.cluster();
  if (!options.dryRun) acquireDestructiveLock(ctx, clients, 'volumes restore');
  const { selectTasks } = await import('../../operations/backup/select.js');
  const { candidates, warnings } = await selectTasks(clients, { taskIds: [taskId] }, 'restore into');
  if (warnings.length > 0) throw new CliError('refused', `cannot verify the target: ${warnings.join('; ')}; nothing was written`);
  const candidate = candidates[0];
  if (!candidate) throw new CliError('not-found', `Task '${taskId}' does not exist (or has no persistent volumes)`);
  const refused = restoreRefusals(manifest, { app: candidate.task.app, task: candidate.task.task, state: candidate.task.state, containerPaths: candidate.volumes.map((v) => v.containerPath) });
  if (refused.length > 0) throw new CliError('refused', `refusing to restore into ${taskId}: ${refused.join('; ')}; nothing was written`);

  const journal = openJournal(ctx, clients, 'restore', [manifest.archive.sha256, taskId]);
  const { restoreStep, executeRestore } = await import('../../operations/backup/restore.js');
  const cp = manifest.containerPath;
  if (journal.isDone(taskId, restoreStep.verify(cp))) {
    ctx.log.info(`${archive} was restored into ${taskId} by an earlier run (journal ${journal.path}); nothing to do.`);
    return ExitCode.OK;
  }
  const partial = ['started', 'failed'].includes(journal.status(taskId, restoreStep.restore(cp)) ?? '') || journal.isDone(taskId, restoreStep.restore(cp));

  // 3. Preflight, as for a wipe, on just that volume.
  const { preflightWipe } = await import('../../operations/wipe/preflight.js');
  const access = () => ctx.agents(sshFlagsFrom(options, true));
  const pre = await preflightWipe(clients, access, [{ task: candidate.task, volumes: candidate.volumes.filter((v) => v.containerPath === cp) }], {
    skipData: false,
    signal: ctx.signal,
    backup: options.replace === true,
  });
  const reasons = pre.refusals.flatMap((r) => r.reasons);
  const task = pre.plans[0];
  const volume = task?.volumes[0];
  if (!task || !volume) {
    // The agent could not be reached or denied us: the cause (6/7) is what a script acts on, not "refused".
    const sshFailure = sharedAgentFailureCode(pre.failures, pre.contacted);
    const kind = sshFailure === ExitCode.AUTH ? 'auth' : sshFailure === ExitCode.UNREACHABLE ? 'unreachable' : 'refused';
    throw new CliError(kind, `refusing to restore into ${taskId}: ${reasons.join('; ') || 'preflight failed'}; nothing was written`);
  }
  const occupied = (volume.entries ?? 1) > 0;
  const planReasons: string[] = [];
  if (occupied && !options.replace && !partial) {
    planReasons.push(`${printable(volume.hostPath)} holds ${volume.entries ?? 'an unknown number of'} entries: restore only into an empty volume, or pass --replace (what is there is backed up first)`);
  }
  const replaceInto = occupied && !partial ? (options.backupDir ?? dirname(archive)) : null;
  const plan = { archive, manifest, task, volume, replaceInto, partial: partial && occupied };
  const view = {
    archive, manifest, task: task.task, agent: `${task.agentId ?? 'N/A'} (${task.host ?? 'no host'})`, hostPath: volume.hostPath,
    entriesNow: volume.entries, bytesNow: volume.bytes, replaceBackupDir: replaceInto, partialFromEarlierRun: plan.partial, refused: planReasons,
  };
  if (options.dryRun || planReasons.length > 0) {
    if (ctx.opts.json) ctx.printJson({ dryRun: options.dryRun === true, plan: view, journal: journal.path });
    else ctx.print(renderRestorePlan(view));
    if (planReasons.length > 0) {
      ctx.log.error(`refusing to restore into ${taskId}: ${planReasons.join('; ')}; nothing was written`);
      return ExitCode.REFUSED;
    }
    return ExitCode.OK;
  }
  if (!ctx.opts.json) ctx.print(renderRestorePlan(view));

  // 4. Confirm, act.
  const { confirmDestruction } = await import('../../safety/confirm.js');
  await confirmDestruction(ctx, {
    yes: options.yes === true,
    expected: task.app,
    question: `Write ${manifest.archive.entries} entries into ${task.task}'s volume ${cp}${replaceInto ? ' after backing up and deleting what is there' : ''}.`,
  });
  const result = await executeRestore(clients, await access(), plan, journal, (m) => ctx.log.verbose(m));
  if (ctx.opts.json) ctx.printJson({ plan: view, result, journal: journal.path });
  else ctx.print(`\nRESTORED ${result.entries} entries (${result.fileBytes} bytes of files) into ${printable(result.hostPath)} on ${result.agent ?? '?'}${result.replacedBackup ? `; what was there is in ${result.replacedBackup}` : ''}\n`);
  if (result.warning) ctx.log.warn(result.warning);
  ctx.log.hint(`Scale ${task.app} up by one: Marathon relaunches this instance on its reservation, with the restored data.`);
  reportUnwrittenRecords(ctx, journal);
  return ExitCode.OK;
}
