import { Command, Option } from 'commander';
import type { Ctx } from '../../context/context.js';
import { ExitCode, sharedAgentFailureCode, usageError, type ExitCodeValue } from '../../core/errors.js';
import { summarize, type FailOn, type RecoveryReport } from '../../domain/recovery/report.js';
import { NEWEST_SYSTEMD } from '../../domain/recovery/systemd-version.js';
import { renderRecoveryReport, reportedAgentName } from '../../output/recovery-report.js';
import type { Factory } from '../factory.js';
import { collect } from '../options.js';
import type { FixOptions } from './recovery-config-fix.js';
import { addSshOptions, sshFlagsFrom } from '../ssh-options.js';

export interface RecoveryConfigOptions extends FixOptions {
  fix?: boolean;
  file?: string[];
  failOn: FailOn;
  origins?: boolean;
  systemd?: string;
}

export function newCmdAgentRecoveryConfig(f: Factory, runF = run): Command {
  const cmd = new Command('recovery-config')
    .description("Check every agent's recovery settings (strict, recover, recovery_timeout, KillMode…): effective values, origins, drift, rules")
    .option('--agent <id|host>', 'Only this agent (Mesos agent id or hostname); repeatable', collect)
    .option('--file <path...>', 'Check local copies offline: an EnvironmentFile, or a directory laid out like an agent (no cluster needed)')
    .option('--systemd <version>', `With --file: the systemd version whose rules read the copies (default: the newest, ${NEWEST_SYSTEMD}); agents report their own`)
    .addOption(new Option('--fail-on <level>', 'Exit 8 when a finding is at or above this level').choices(['warning', 'error']).default('error'))
    .option('--origins', 'Also list where each value comes from (file:line, DC/OS default or Mesos default)')
    .option('--fix', 'Edit the file that decides each value so that the findings clear (a plan of diffs first)')
    .option('--set <name=value,...>', 'With --fix: write these values instead of what the findings ask (e.g. strict=true,recover=reconnect,recovery_timeout=24hrs)')
    .option('--dry-run', 'With --fix: print the plan (diffs, restarts) and change nothing')
    .option('-y, --yes', 'With --fix: do not ask for confirmation (required without a terminal)')
    .option('--restart', 'With --fix: then restart each agent whose files differ from what it runs, one at a time, each only if its tasks survive')
    .option('--parallel <n>', 'With --restart: agents restarted at once (never two holding the same stateful app); default 1')
    .option('--restart-timeout <duration>', "With --restart: how long to wait for an agent to come back (default: the master's re-registration window)")
    .addHelpText(
      'after',
      `
Reads each agent's systemd unit, its drop-ins and EnvironmentFiles over SSH, together with its systemd version
(systemctl --version) and DC/OS version, parses them with that systemd's rules (219, 239, 252, 254+), layers them as
systemd and Mesos do, compares with the running agent's /flags, and applies the rules (see README "agent recovery-config").
Exit codes: 8 when a finding reaches --fail-on; 6 (auth) or 7 (cannot connect) when every agent failed so over SSH;
5 when some agent or a cluster fact could not be checked; 3 when --agent names no agent.
With --fix: 0 done (or nothing to do), 4 something refused (a value an ExecStart= flag decides, a file changed
since planned, a restart whose tasks would die), 5 some agent failed, 10 the roll stopped at an agent that did not
come back (re-run the same command to resume), 130 interrupted.

Examples:
  $ stateful-ops agent recovery-config
  $ stateful-ops agent recovery-config --agent 127.0.0.168 --origins
  $ stateful-ops --json agent recovery-config --fail-on warning | jq '.agents[] | select(.verdict != "ok")'
  $ stateful-ops agent recovery-config --file ./ansible/files/mesos-slave-common --file ./agent-root/
  $ stateful-ops agent recovery-config --systemd 219 --file ./centos7-agent-root/
  $ stateful-ops agent recovery-config --fix --dry-run
  $ stateful-ops agent recovery-config --fix --yes --restart --sudo
  $ stateful-ops agent recovery-config --fix --set recovery_timeout=36hrs --agent 127.0.0.170 --restart --parallel 2`,
    )
    .action(async (options: RecoveryConfigOptions, c: Command) => f.execute(c, (ctx) => runF(ctx, options)));
  return addSshOptions(cmd);
}

export async function run(ctx: Ctx, options: RecoveryConfigOptions): Promise<ExitCodeValue> {
  const fixOnly = (['set', 'dryRun', 'yes', 'restart', 'parallel', 'restartTimeout'] as const).filter((k) => options[k] !== undefined);
  if (options.fix) {
    if (options.file) throw usageError('--fix edits agents over SSH; it cannot be combined with --file');
    const { runFix } = await import('./recovery-config-fix.js');
    return runFix(ctx, options);
  }
  if (fixOnly.length > 0) throw usageError(`--${fixOnly[0]?.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} goes with --fix`);
  const failOn = options.failOn;
  let report: RecoveryReport;
  let sshFailure: ExitCodeValue | null = null;
  if (options.file && options.file.length > 0) {
    if (options.agent) throw usageError('--file checks local copies; it cannot be combined with --agent');
    const systemd = options.systemd === undefined ? undefined : systemdVersionOption(options.systemd);
    const { checkLocalPaths } = await import('../../operations/recovery/check.js');
    const agents = await checkLocalPaths(options.file, ctx.io.cwd, systemd);
    report = { agents, cluster: null, summary: summarize(agents, null, failOn) };
  } else {
    if (options.systemd !== undefined) {
      throw usageError('--systemd applies to --file copies only', 'Agents are read with the systemd they report (systemctl --version).');
    }
    const sshFlags = sshFlagsFrom(options);
    const [clients, { checkClusterRecovery }] = await Promise.all([ctx.cluster(), import('../../operations/recovery/check.js')]);
    const progress = await startProgress(ctx);
    try {
      const checked = await checkClusterRecovery(clients, () => ctx.agents(sshFlags), {
        agents: options.agent ?? [],
        signal: ctx.signal,
        onProgress: (done, total) => progress?.update(`Checking recovery settings: ${done}/${total} agents`),
      });
      report = { agents: checked.agents, cluster: checked.cluster, summary: summarize(checked.agents, checked.cluster, failOn) };
      sshFailure = sharedAgentFailureCode(checked.failures, checked.contacted);
    } finally {
      progress?.stop();
    }
  }

  const notes = [...(report.cluster?.notes ?? []), ...report.agents.flatMap((a) => a.notes.map((n) => `${reportedAgentName(a)}: ${n}`))];
  for (const n of notes) ctx.log.warn(n);
  if (ctx.opts.json) ctx.printJson(report);
  else ctx.print(renderRecoveryReport(report, options.origins === true, ctx.paint));
  if (report.summary.failed) return ExitCode.CHECK_FAILED;
  if (sshFailure !== null) return sshFailure;
  return report.summary.unreachable > 0 || notes.length > 0 ? ExitCode.PARTIAL : ExitCode.OK;
}

/** An ora spinner on an interactive stderr only; never with --json or --quiet. */
async function startProgress(ctx: Ctx): Promise<{ update(text: string): void; stop(): void } | undefined> {
  const stream = ctx.io.stderr as NodeJS.WriteStream;
  // A pseudo-terminal without a size (CI, `script`) reports 0 columns; ora would then never finish clearing.
  if (!ctx.io.stderrIsTTY || ctx.opts.json || ctx.opts.quiet || !(stream.columns > 0)) return undefined;
  const { default: ora } = await import('ora');
  const spinner = ora({ text: 'Reading the agent list', stream, discardStdin: false }).start();
  return { update: (text) => (spinner.text = text), stop: () => spinner.stop() };
}

/** `--systemd 219`: a whole systemd release number. */
function systemdVersionOption(text: string): number {
  if (!/^\d{3}$/.test(text)) throw usageError(`--systemd ${text}: expected a systemd version number such as 219, 239, 252 or ${NEWEST_SYSTEMD}`);
  return Number(text);
}
