import { Command } from 'commander';
import type { Ctx } from '../../../context/context.js';
import { ExitCode, type ExitCodeValue } from '../../../core/errors.js';
import { describeMachine, machineOfAgent, sameMachine, transitionProblem, windowOf } from '../../../domain/maintenance.js';
import { isLaunched, isStatefulTask } from '../../../domain/waiting.js';
import { openJournal, reportUnwrittenRecords } from '../../../safety/journal-open.js';
import { acquireDestructiveLock } from '../../../safety/lock.js';
import { machineLines, requestLine } from '../../../output/maintenance.js';
import { refusedSection } from '../../../output/plan.js';
import type { Factory } from '../../factory.js';

export interface UpOptions {
  dryRun?: boolean;
}

export function newCmdMaintenanceUp(f: Factory, runF = run): Command {
  return new Command('up')
    .description('Bring DOWN machines back UP (and out of the schedule): their agents may register again')
    .argument('<machine...>', 'Hostnames or IPs of DOWN machines (their agents are no longer registered)')
    .option('--dry-run', 'Print the request; change nothing')
    .addHelpText(
      'after',
      `
POST /master/machine/up (journaled), then the machines' modes and agents are read back, and each resident
task on them is listed with whether Marathon has relaunched it on its reservation yet. Marathon does so
once the agent has registered again and offers its reserved resources: re-run \`agent maintenance status\`
or \`tasks list --all --agent <host>\` until it has.

Examples:
  $ stateful-ops agent maintenance up --dry-run 127.0.0.167
  $ stateful-ops agent maintenance up 127.0.0.167`,
    )
    .action(async (machines: string[], options: UpOptions, c: Command) => f.execute(c, (ctx) => runF(ctx, machines, options)));
}

export async function run(ctx: Ctx, machines: string[], options: UpOptions): Promise<ExitCodeValue> {
  const [clients, { readMaintenance, resolveMachines }] = await Promise.all([ctx.cluster(), import('../../../operations/agents/maintenance.js')]);
  const targets = resolveMachines(await readMaintenance(clients), machines);
  const refused = targets.flatMap((t) => {
    const problem = transitionProblem('up', t.machine, t.mode);
    return problem ? [{ item: describeMachine(t.machine), reasons: [problem] }] : [];
  });
  const body = targets.map((t) => t.machine);
  const url = `${clients.mesos.baseUrl}/master/machine/up`;
  // One destructive run at a time per cluster (not for --dry-run), taken before any check.
  if (!options.dryRun) acquireDestructiveLock(ctx, clients, 'maintenance up');
  const journal = openJournal(ctx, clients, 'maintenance-up', targets.map((t) => describeMachine(t.machine)));
  const plan = { machines: targets, refused, request: { method: 'POST', url, body }, journal: journal.path };
  const text = [
    `Plan: bring ${targets.length} machine${targets.length === 1 ? '' : 's'} UP and out of the maintenance schedule`,
    ...machineLines(targets),
    `SEND    ${requestLine('POST', url, body)}`,
    ...refusedSection(refused),
  ].join('\n');
  if (options.dryRun) {
    if (ctx.opts.json) ctx.printJson({ dryRun: true, ...plan });
    else ctx.print(text);
    return refused.length > 0 ? ExitCode.REFUSED : ExitCode.OK;
  }
  if (!ctx.opts.json) ctx.print(text);
  if (refused.length > 0) {
    if (ctx.opts.json) ctx.printJson({ ...plan, result: null });
    return ExitCode.REFUSED;
  }
  await journal.runStep('machines', 'up', async () => {
    await clients.mesos.machines('up', body);
    return { machines: body };
  }, { started: { request: requestLine('POST', url, body) } });
  reportUnwrittenRecords(ctx, journal);

  const [after, apps] = await Promise.all([readMaintenance(clients), clients.marathon.apps({ embedTasks: true })]);
  const stillDown = targets.filter((t) => (after.status.down_machines ?? []).some((m) => sameMachine(m, t.machine)) || windowOf(after.schedule, t.machine));
  const machinesAfter = targets.map((t) => {
    const agents = after.agents.filter((a) => {
      const m = machineOfAgent(a);
      return m !== null && sameMachine(m, t.machine);
    });
    const hosts = [t.machine.hostname?.toLowerCase(), t.machine.ip];
    const resident = apps.flatMap((app) =>
      (app.tasks ?? [])
        .filter((task) => isStatefulTask(task) && task.host !== undefined && hosts.includes(task.host.toLowerCase()))
        .map((task) => ({ app: app.id, task: task.id, relaunched: isLaunched(task) })),
    );
    return { machine: t.machine, agents: agents.map((a) => a.id), resident };
  });
  const result = { outcome: 'up', verified: stillDown.length === 0, machines: machinesAfter };
  if (ctx.opts.json) ctx.printJson({ ...plan, result });
  else {
    const lines = [''];
    for (const m of machinesAfter) {
      lines.push(`UP      ${describeMachine(m.machine)}: ${m.agents.length > 0 ? `agent ${m.agents.join(', ')} registered` : 'no agent registered yet (start mesos-agent there if it is stopped)'}`);
      for (const r of m.resident) lines.push(`        ${r.relaunched ? 'relaunched' : 'waiting   '} ${r.app} ${r.task}`);
    }
    ctx.print(lines.join('\n'));
  }
  if (stillDown.length > 0) {
    ctx.log.warn(`the master still lists ${stillDown.map((t) => describeMachine(t.machine)).join(', ')} in maintenance`);
    return ExitCode.PARTIAL;
  }
  return ExitCode.OK;
}
