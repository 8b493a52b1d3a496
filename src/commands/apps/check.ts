import { Command } from 'commander';
import type { Ctx } from '../../context/context.js';
import { CliError, ExitCode, isCliError, usageError, type ExitCodeValue } from '../../core/errors.js';
import type { AppCheckReport, AppCheckTarget } from '../../domain/app-check/check.js';
import { parseMarathonVersion, ruleSetFor, type MarathonVersion } from '../../domain/app-check/version.js';
import { printable } from '../../domain/mesos-ids.js';
import { isValidAppId } from '../../domain/task-id.js';
import { renderAppCheckReport } from '../../output/app-check.js';
import type { Factory } from '../factory.js';

export interface AppsCheckOptions {
  marathonVersion?: string;
  againstDeployed?: boolean;
  failOn?: string;
}

export function newCmdAppsCheck(f: Factory, runF = run): Command {
  return new Command('check')
    .description('Lint app definitions with persistent volumes (files, directories, stdin, deployed apps) against your Marathon version\'s rules')
    .argument('<app...>', 'App definition files (an app, a group, or a GET /v2/apps body), directories of *.json, - for stdin, or ids of deployed apps')
    .option('--marathon-version <version>', 'Apply the rules of this Marathon version (works offline); default: the cluster\'s, from /v2/info')
    .option('--against-deployed', 'Also compare the file with the deployed app of the same id: changes a stateful app cannot take')
    .option('--fail-on <level>', 'Exit 8 when a finding is at or above this level: warning or error', 'error')
    .addHelpText(
      'after',
      `
Rules (per Marathon version): upgradeStrategy of apps with persistent volumes (maximumOverCapacity 0;
minimumHealthCapacity ≤ 0.5 before 1.3), unreachableStrategy disabled (1.4+), role * refused (1.9+),
acceptedResourceRoles ["*"] only, residency only with persistent volumes (≤1.5), and volumes that cannot
work: missing or zero size, containerPath empty, "."/"..", containing "/" (refused from 1.4), duplicate
container paths, mode other than RW, unknown type, maxSize (mount only, above size), constraints
(not on root volumes; ["path", "LIKE"|"UNLIKE", "<regex>"]).
Without a cluster and without --marathon-version the newest rules apply (stderr says so). A document
that holds no app definition ({}, an array, invalid JSON) is exit 2; findings at --fail-on are exit 8.
--against-deployed flags changes Marathon refuses for a deployed app with persistent volumes: cpus,
mem, disk, gpus, host ports, volumes, role (1.9+) — its reservations were made for exactly those.

Examples:
  $ stateful-ops apps check --marathon-version 1.4 postgres.json
  $ stateful-ops apps check /postgres
  $ stateful-ops apps check --against-deployed --fail-on warning postgres.json
  $ stateful-ops --json apps check postgres.json | jq '.findings[].rule'
  $ stateful-ops apps check ./marathon/            # every *.json under it: apps, groups, GET /v2/apps bodies
  $ curl -s "$MARATHON/v2/apps" | stateful-ops apps check -`,
    )
    .action(async (apps: string[], options: AppsCheckOptions, c: Command) => f.execute(c, (ctx) => runF(ctx, apps, options)));
}

export async function run(ctx: Ctx, targets: string[], options: AppsCheckOptions): Promise<ExitCodeValue> {
  const failOn = options.failOn ?? 'error';
  if (failOn !== 'warning' && failOn !== 'error') throw usageError(`--fail-on must be warning or error, got '${printable(failOn)}'`);
  const flagVersion = options.marathonVersion === undefined ? undefined : versionFrom(options.marathonVersion, '--marathon-version');
  const { readDefinitions } = await import('../../operations/apps/definitions.js');
  const definitions = await readDefinitions(targets, ctx.io.cwd, () => readAll(ctx.io.stdin));
  if (options.againstDeployed && definitions.some((d) => d.kind === 'deployed')) {
    throw usageError('--against-deployed compares a local definition file with the deployed app: give a file');
  }

  let version = flagVersion;
  let versionSource: AppCheckReport['versionSource'] = '--marathon-version';
  let mesosRole: string | null | undefined;
  const checked: AppCheckTarget[] = [];
  const needsCluster = definitions.some((d) => d.kind === 'deployed') || options.againstDeployed === true;
  if (needsCluster || flagVersion === undefined) {
    const clients = needsCluster ? await ctx.cluster() : await ctx.cluster().catch((e: unknown) => (isCliError(e) && e.kind === 'config' ? null : Promise.reject(e)));
    if (clients === null) {
      // A linter in CI has no cluster: the newest rules, said out loud.
      version = NEWEST_RULES;
      versionSource = 'newest rules (offline)';
      ctx.log.info(`No cluster configured: applying the rules of Marathon ${ruleSetFor(NEWEST_RULES).name} (the newest); choose others with --marathon-version <version>.`);
    } else {
      const info = await clients.marathon.info().catch((e: unknown) => {
        if (flagVersion !== undefined) return undefined;
        throw withHint(e, 'Or check offline with --marathon-version <version>.');
      });
      if (version === undefined) {
        version = versionFrom(info?.version ?? '', 'Marathon /v2/info');
        versionSource = 'marathon /v2/info';
      }
      mesosRole = info?.marathon_config.mesos_role;
    }
  }
  for (const d of definitions) {
    if (d.kind === 'deployed') {
      checked.push({ app: await deployedApp(ctx, d.id, false), id: d.id, file: 'deployed app', path: '$' });
      continue;
    }
    for (const a of d.apps) {
      const deployed = options.againstDeployed ? { deployed: await deployedApp(ctx, localId(a.id, d.file, a.path), true) } : {};
      checked.push({ app: a.app, id: a.id, file: d.file, path: a.path, ...deployed });
    }
  }

  const { checkApps } = await import('../../domain/app-check/check.js');
  const report = checkApps({
    targets: checked,
    version: version as MarathonVersion,
    versionSource,
    ...(mesosRole === undefined ? {} : { mesosRole }),
    failOn,
  });
  if (ctx.opts.json) ctx.printJson(report);
  else ctx.print(renderAppCheckReport(report));
  return report.failed ? ExitCode.CHECK_FAILED : ExitCode.OK;
}

/** The newest Marathon whose rules are modelled: what an offline check applies unless told otherwise. */
const NEWEST_RULES = parseMarathonVersion('1.11') as MarathonVersion;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}

function versionFrom(text: string, from: string): MarathonVersion {
  const v = parseMarathonVersion(text);
  if (!v) throw usageError(`${from}: '${printable(text)}' is not a Marathon version stateful-ops knows the rules of (1.1 to 1.11)`);
  return v;
}

function localId(id: string | null, file: string, path: string): string {
  if (id === null || !isValidAppId(id)) throw usageError(`${file} ${path}: --against-deployed needs the definition's "id" to find the deployed app`);
  return id;
}

/** The deployed definition as Marathon returns it; for a comparison, an app that is not deployed is null. */
async function deployedApp(ctx: Ctx, id: string, absentIsFine: boolean): Promise<unknown> {
  const { marathon } = await ctx.cluster();
  try {
    return await marathon.app(id);
  } catch (e) {
    if (absentIsFine && isCliError(e) && e.kind === 'not-found') return null;
    throw e;
  }
}

function withHint(e: unknown, hint: string): unknown {
  return isCliError(e) && e.hint === undefined ? new CliError(e.kind, e.message, { hint, exitCode: e.exitCode }) : e;
}
