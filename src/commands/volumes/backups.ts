import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import type { Ctx } from '../../context/context.js';
import { CliError, ExitCode, type ExitCodeValue } from '../../core/errors.js';
import { renderBackupList, type ListedBackup } from '../../output/backups.js';
import type { Factory } from '../factory.js';

export interface VolumesBackupsOptions {
  verify?: boolean;
}

export function newCmdVolumesBackups(f: Factory, runF = run): Command {
  return new Command('backups')
    .description('List the volume archives in a directory with their manifests; --verify reads each archive back')
    .argument('<dir>', 'A directory written by `volumes backup --to` or `wipe --backup-dir`')
    .option('--verify', "Re-read every archive: size, sha256, entries and file bytes against its manifest")
    .addHelpText(
      'after',
      `
Exit code 8 when an archive or a manifest is bad (missing, malformed, or — with --verify — not
matching): a damaged backup is found before it is needed.

Examples:
  $ stateful-ops volumes backups ./backups
  $ stateful-ops volumes backups --verify ./backups
  $ stateful-ops --json volumes backups ./backups | jq -r '.[] | select(.manifest.app == "/postgres") | .archive'`,
    )
    .action(async (dir: string, options: VolumesBackupsOptions, c: Command) => f.execute(c, (ctx) => runF(ctx, dir, options)));
}

export async function run(ctx: Ctx, dir: string, options: VolumesBackupsOptions): Promise<ExitCodeValue> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? 'not-found' : 'error', `cannot read ${dir}: ${(e as Error).message}`);
  }
  const { checkArchive } = await import('../../operations/backup/archive.js');
  const archives = new Set(names.filter((n) => n.endsWith('.tar')));
  // A manifest whose archive is gone is a bad backup too.
  for (const n of names) if (n.endsWith('.tar.json')) archives.add(n.slice(0, -'.json'.length));
  const verify = options.verify === true;
  const rows: ListedBackup[] = [];
  for (const name of [...archives].sort()) {
    const archive = join(dir, name);
    const present = names.includes(name);
    const checked = await checkArchive(archive, verify && present);
    const problems = present ? checked.problems : [`the archive ${name} is missing`, ...checked.problems];
    rows.push({ archive, manifest: checked.manifest, verified: verify ? problems.length === 0 : null, problems });
  }
  if (ctx.opts.json) ctx.printJson(rows);
  else if (rows.length === 0) ctx.log.info(`No volume archives in ${dir}.`);
  else ctx.print(renderBackupList(rows));
  const bad = rows.filter((r) => r.problems.length > 0);
  for (const r of bad) ctx.log.error(`${r.archive}: ${r.problems.join('; ')}`);
  return bad.length > 0 ? ExitCode.CHECK_FAILED : ExitCode.OK;
}
