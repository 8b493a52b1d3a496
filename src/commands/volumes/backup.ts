import { Command } from 'commander';
import type { Ctx } from '../../context/context.js';
import { ExitCode, sharedAgentFailureCode, usageError, type ExitCodeValue } from '../../core/errors.js';
import { refusedSection } from '../../output/plan.js';
import { renderBackupResults } from '../../output/backups.js';
import type { Factory } from '../factory.js';
import { addSshOptions, sshFlagsFrom, type SshCommandOptions } from '../ssh-options.js';

export interface VolumesBackupOptions extends SshCommandOptions {
  to?: string;
  app?: string;
  allWaiting?: boolean;
  live?: boolean;
}

export function newCmdVolumesBackup(f: Factory, runF = run): Command {
  const cmd = new Command('backup')
    .description("Archive waiting tasks' persistent volumes (tar over SSH) into a local directory, each with a verified manifest")
    .argument('[task-id...]', 'Marathon task ids (waiting tasks; running ones only with --live)')
    .requiredOption('--to <dir>', 'Directory for the archives and their manifests (created 0700)')
    .option('--app <id>', 'With --all-waiting: the app whose waiting tasks to back up')
    .option('--all-waiting', 'Every waiting task of --app')
    .option('--live', 'Also copy running tasks: crash-consistent at best (prefer the app\'s own dump)')
    .addHelpText(
      'after',
      `
Per volume: <app>__<task>__<container path>__<time>.tar (numeric owners, modes, times; xattrs and
ACLs where the agent's tar keeps them) and <that>.tar.json, its manifest. Each archive is read back
(size, sha256, entries, file bytes) and compared with what the agent counted before it is reported.
A waiting task is re-checked right before its volume is read (not relaunched, no deployment).
Restore with \`stateful-ops volumes restore\`; list and verify with \`stateful-ops volumes backups\`.

Examples:
  $ stateful-ops volumes backup --to ./backups --sudo postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1
  $ stateful-ops volumes backup --to ./backups --sudo --app /db/mysql --all-waiting
  $ stateful-ops volumes backup --to ./backups --sudo --live postgres.instance-4f2a1c11-fd96-11e5-8e70-76a1c19f8c3d._app.2`,
    )
    .action(async (taskIds: string[], options: VolumesBackupOptions, c: Command) => f.execute(c, (ctx) => runF(ctx, taskIds, options)));
  return addSshOptions(cmd);
}

export async function run(ctx: Ctx, taskIds: string[], options: VolumesBackupOptions): Promise<ExitCodeValue> {
  if (!options.to) throw usageError('--to <dir> is required');
  const clients = await ctx.cluster();
  const { selectTasks } = await import('../../operations/backup/select.js');
  const { planBackups, runBackups } = await import('../../operations/backup/backup.js');
  const selection = { taskIds, ...(options.app === undefined ? {} : { app: options.app }), allWaiting: options.allWaiting === true };
  const { candidates, warnings } = await selectTasks(clients, selection, 'back up');
  for (const w of warnings) ctx.log.warn(w);
  const access = () => ctx.agents(sshFlagsFrom(options, true));
  const planned = await planBackups(clients, access, candidates, { live: options.live === true, signal: ctx.signal });
  if (planned.tasks.some((t) => t.live)) {
    ctx.log.warn('--live: a running task\'s volume is being written while it is copied; the copy is crash-consistent at best. For a consistent one use the app\'s own dump (pg_dump, mysqldump, …).');
  }
  const results = planned.tasks.length > 0 ? await runBackups(clients, await access(), planned.tasks, options.to, { signal: ctx.signal, onProgress: (m) => ctx.log.verbose(m) }) : [];
  if (ctx.opts.json) ctx.printJson({ results, refused: planned.refusals });
  else {
    if (results.length > 0) ctx.print(renderBackupResults(results));
    const refused = refusedSection(planned.refusals.map((r) => ({ item: r.task, reasons: r.reasons })));
    if (refused.length > 0) ctx.print(refused.join('\n').replace(/^\n/, ''));
  }
  for (const r of results) if (r.warning) ctx.log.warn(`${r.task} ${r.containerPath}: ${r.warning}`);
  if (results.length === 0 && planned.refusals.length === 0) {
    ctx.log.info('No waiting tasks to back up.');
    return ExitCode.OK;
  }
  // Every agent inspected failed over SSH the same way: the cause (6/7) is what a script acts on, not "refused".
  const sshFailure = results.length === 0 ? sharedAgentFailureCode(planned.failures, planned.contacted) : null;
  return sshFailure ?? backupExitCode(results.map((r) => r.outcome), planned.refusals.length);
}

/** README "Exit codes": all archived 0; only refusals 4; some archived 5; interrupted 130; else 1. */
function backupExitCode(outcomes: string[], refusals: number): ExitCodeValue {
  if (outcomes.includes('interrupted')) return ExitCode.INTERRUPTED;
  const ok = outcomes.filter((o) => o === 'backed-up').length;
  if (ok === outcomes.length && refusals === 0) return ExitCode.OK;
  if (ok > 0) return ExitCode.PARTIAL;
  return outcomes.some((o) => o === 'failed') ? ExitCode.ERROR : ExitCode.REFUSED;
}
