import { Command } from 'commander';
import type { Ctx } from '../../../context/context.js';
import { CliError, ExitCode, usageError, type ExitCodeValue } from '../../../core/errors.js';
import { describeMachine, parseStart, windowOf, withoutMachines, withWindow } from '../../../domain/maintenance.js';
import { parseDowntime } from '../../../domain/restart-check/verdict.js';
import { describeWindow, machineLines, requestLine } from '../../../output/maintenance.js';
import type { Factory } from '../../factory.js';

export interface ScheduleOptions {
  start: string;
  duration?: string;
  remove?: boolean;
  dryRun?: boolean;
}

export function newCmdMaintenanceSchedule(f: Factory, runF = run): Command {
  return new Command('schedule')
    .description('Put machines in a maintenance window (they start DRAINING: frameworks get inverse offers), or take them out')
    .argument('<agent...>', 'Mesos agent ids or hostnames (or, with --remove, scheduled machines by hostname or IP)')
    .option('--start <time>', "Start of the window: 'now' or an ISO 8601 time with a zone", 'now')
    .option('--duration <duration>', 'How long the machines will be unavailable (e.g. 2h, 90min, 4hrs)')
    .option('--remove', 'Take the machines out of the schedule (back to UP); a DOWN machine must be brought up instead')
    .option('--dry-run', 'Print the schedule that would be sent; change nothing')
    .addHelpText(
      'after',
      `
The master replaces its whole schedule on every update: the current schedule is read, these machines are
moved into one new window (or removed), and every other window is sent back unchanged. Machines are
identified as Mesos wants them, by the agent's hostname and the IP of its pid.

Examples:
  $ stateful-ops agent maintenance schedule 127.0.0.167 --start 2026-12-02T01:00:00Z --duration 2h
  $ stateful-ops agent maintenance schedule --dry-run d935ca7e-e29d-4503-94e7-25fe9f16847c-S5 --duration 30min
  $ stateful-ops agent maintenance schedule --remove 127.0.0.167`,
    )
    .action(async (agents: string[], options: ScheduleOptions, c: Command) => f.execute(c, (ctx) => runF(ctx, agents, options)));
}

export async function run(ctx: Ctx, agents: string[], options: ScheduleOptions): Promise<ExitCodeValue> {
  let durationSeconds: number | null = null;
  let startSeconds = 0;
  if (options.remove) {
    if (options.duration !== undefined) throw usageError('--remove takes the machines out of the schedule; it has no --duration');
  } else {
    if (options.duration === undefined) throw usageError('--duration is required: frameworks plan around the end of the window', 'e.g. --duration 2h');
    const d = parseDowntime(options.duration);
    if ('problem' in d) throw usageError(`--duration: ${d.problem}`);
    if (d.ms < 1000) throw usageError('--duration must be at least one second');
    durationSeconds = Math.round(d.ms / 1000);
    const s = parseStart(options.start, Date.now());
    if ('problem' in s) throw usageError(`--start: ${s.problem}`);
    startSeconds = s.seconds;
  }
  const [clients, { readMaintenance, resolveMachines }] = await Promise.all([ctx.cluster(), import('../../../operations/agents/maintenance.js')]);
  const view = await readMaintenance(clients);
  const targets = resolveMachines(view, agents);
  const machines = targets.map((t) => t.machine);
  if (options.remove) {
    const down = targets.filter((t) => t.mode === 'DOWN');
    if (down.length > 0) {
      throw new CliError('refused', `${down.map((t) => describeMachine(t.machine)).join(', ')} ${down.length === 1 ? 'is' : 'are'} DOWN: Mesos refuses to drop a DOWN machine from the schedule`, {
        hint: 'Bring it up with `stateful-ops agent maintenance up <agent>`: that also removes it from the schedule.',
      });
    }
  }
  const schedule = options.remove ? withoutMachines(view.schedule, machines) : withWindow(view.schedule, machines, startSeconds, durationSeconds);
  const url = `${clients.mesos.baseUrl}/master/maintenance/schedule`;
  const kept = (schedule.windows ?? []).length - (options.remove ? 0 : 1);
  const plan = { machines: targets, schedule, request: { method: 'POST', url, body: schedule }, otherWindowsKept: kept };
  if (options.dryRun || !ctx.opts.json) {
    const lines = [
      options.remove ? `Plan: take ${targets.length} machine(s) out of the maintenance schedule (back to UP)` : `Plan: schedule ${targets.length} machine(s): ${describeWindow(schedule.windows?.at(-1))}`,
      ...machineLines(targets),
      `KEEP    ${kept} other window(s) of the current schedule`,
      `SEND    ${requestLine('POST', url, schedule)}`,
    ];
    if (options.dryRun) {
      if (ctx.opts.json) ctx.printJson({ dryRun: true, ...plan });
      else ctx.print(lines.join('\n'));
      return ExitCode.OK;
    }
    ctx.print(lines.join('\n'));
  }
  await clients.mesos.updateMaintenanceSchedule(schedule);
  const after = await clients.mesos.maintenanceSchedule();
  const missing = options.remove ? machines.filter((m) => windowOf(after, m)) : machines.filter((m) => !windowOf(after, m));
  if (ctx.opts.json) ctx.printJson({ ...plan, after, verified: missing.length === 0 });
  else ctx.print(options.remove ? `Removed from the schedule: ${targets.map((t) => describeMachine(t.machine)).join(', ')}` : `Scheduled; the machines are DRAINING. See \`stateful-ops agent maintenance status\`.`);
  if (missing.length > 0) {
    ctx.log.warn(`the master's schedule does not show the change for ${missing.map(describeMachine).join(', ')} (another update raced this one?)`);
    return ExitCode.PARTIAL;
  }
  return ExitCode.OK;
}
