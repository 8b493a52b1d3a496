import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import type { Ctx } from '../../context.js';
import { CliError, ExitCode, isCliError, usageError, type ExitCodeValue } from '../../errors.js';
import type { AppCheckReport } from '../../domain/app-check/check.js';
import { parseMarathonVersion, type MarathonVersion } from '../../domain/app-check/version.js';
import { printable } from '../../domain/mesos-ids.js';
import { isValidAppId, normalizeAppId } from '../../domain/task-id.js';
import type { Factory } from '../factory.js';

export interface AppsCheckOptions {
  marathonVersion?: string;
  againstDeployed?: boolean;
  failOn?: string;
}

export function newCmdAppsCheck(f: Factory, runF = run): Command {
  return new Command('check')
    .description('Check an app definition with persistent volumes against the rules of your Marathon version')
    .argument('<app>', 'An app definition file (JSON), or the id of a deployed app')
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
--against-deployed flags changes Marathon refuses for a deployed app with persistent volumes: cpus,
mem, disk, gpus, host ports, volumes, role (1.9+) — its reservations were made for exactly those.

Examples:
  $ stateful-ops apps check --marathon-version 1.4 postgres.json
  $ stateful-ops apps check /postgres
  $ stateful-ops apps check --against-deployed --fail-on warning postgres.json
  $ stateful-ops --json apps check postgres.json | jq '.findings[].id'`,
    )
    .action(async (app: string, options: AppsCheckOptions, c: Command) => f.execute(c, (ctx) => runF(ctx, app, options)));
}

type Definition = { kind: 'file'; path: string; app: Record<string, unknown> } | { kind: 'deployed'; id: string };

export async function run(ctx: Ctx, target: string, options: AppsCheckOptions): Promise<ExitCodeValue> {
  const failOn = options.failOn ?? 'error';
  if (failOn !== 'warning' && failOn !== 'error') throw usageError(`--fail-on must be warning or error, got '${printable(failOn)}'`);
  const flagVersion = options.marathonVersion === undefined ? undefined : versionFrom(options.marathonVersion, '--marathon-version');
  const definition = readDefinition(ctx, target);
  if (options.againstDeployed && definition.kind === 'deployed') {
    throw usageError('--against-deployed compares a local definition file with the deployed app: give a file');
  }

  let app: unknown;
  let deployed: unknown;
  let version = flagVersion;
  let mesosRole: string | null | undefined;
  if (definition.kind === 'file') app = definition.app;
  if (definition.kind === 'deployed' || options.againstDeployed || flagVersion === undefined) {
    const { marathon } = await ctx.cluster();
    const id = definition.kind === 'deployed' ? definition.id : localId(definition.app);
    const [info, fetched] = await Promise.all([
      marathon.info().catch((e: unknown) => {
        if (flagVersion !== undefined) return undefined;
        throw withHint(e, 'Or check offline with --marathon-version <version>.');
      }),
      definition.kind === 'deployed' || options.againstDeployed ? deployedApp(ctx, id, definition.kind === 'file') : Promise.resolve(undefined),
    ]);
    version ??= versionFrom(info?.version ?? '', 'Marathon /v2/info');
    mesosRole = info?.marathon_config.mesos_role;
    if (definition.kind === 'deployed') app = fetched;
    else deployed = fetched;
  }

  const { checkApp } = await import('../../domain/app-check/check.js');
  const report = checkApp({
    app,
    source: definition.kind === 'file' ? definition.path : 'deployed app',
    version: version as MarathonVersion,
    versionSource: flagVersion ? '--marathon-version' : 'marathon /v2/info',
    ...(mesosRole === undefined ? {} : { mesosRole }),
    ...(options.againstDeployed ? { deployed: deployed ?? null } : {}),
    failOn,
  });
  if (ctx.opts.json) ctx.printJson(report);
  else ctx.print(renderReport(report));
  return report.failed ? ExitCode.CHECK_FAILED : ExitCode.OK;
}

function versionFrom(text: string, from: string): MarathonVersion {
  const v = parseMarathonVersion(text);
  if (!v) throw usageError(`${from}: '${printable(text)}' is not a Marathon version stateful-ops knows the rules of (1.1 to 1.11)`);
  return v;
}

/** A path to an existing file is a definition; anything else that looks like an app id is a deployed app. */
function readDefinition(ctx: Ctx, target: string): Definition {
  const path = resolve(ctx.io.cwd, target);
  if (existsSync(path)) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw usageError(`cannot read ${target} as JSON: ${(e as Error).message}`);
    }
    // `GET /v2/apps/<id>` wraps the app in {"app": …}; accept that too.
    const app = typeof doc === 'object' && doc !== null && 'app' in doc && !('id' in doc) ? (doc as { app: unknown }).app : doc;
    if (typeof app !== 'object' || app === null || Array.isArray(app)) throw usageError(`${target} is not a Marathon app definition (a JSON object)`);
    return { kind: 'file', path: target, app: app as Record<string, unknown> };
  }
  if (target.endsWith('.json')) throw usageError(`no such file: ${target}`);
  const id = normalizeAppId(target);
  if (!isValidAppId(id)) throw usageError(`'${printable(target)}' is neither a file nor a Marathon app id`);
  return { kind: 'deployed', id };
}

function localId(app: Record<string, unknown>): string {
  const id = typeof app.id === 'string' ? normalizeAppId(app.id) : '';
  if (!isValidAppId(id)) throw usageError('--against-deployed needs the definition\'s "id" to find the deployed app');
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

function renderReport(r: AppCheckReport): string {
  const lines = [
    `${r.app ?? '(no id)'} (${r.source}): Marathon ${r.marathonVersion} (from ${r.versionSource}), rules of Marathon ${r.ruleSet}${r.againstDeployed ? ', compared with the deployed app' : ''}`,
  ];
  for (const note of r.notes) lines.push(`note: ${note}`);
  for (const f of r.findings) {
    lines.push('', `${f.severity.toUpperCase().padEnd(8)} ${f.id}  ${f.path}`, `         ${f.message}`, `         fix: ${f.remedy}`);
  }
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const { error, warning, info } = r.summary;
  lines.push('', r.findings.length === 0 ? 'No findings.' : `${count(error, 'error')}, ${count(warning, 'warning')}, ${info} info${r.failed ? ` — fails at --fail-on ${r.failOn}` : ''}`);
  return `${lines.join('\n')}\n`;
}
