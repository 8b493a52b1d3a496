import { Command } from 'commander';
import type { Ctx } from '../../../context/context.js';
import { CliError, ExitCode, type ExitCodeValue } from '../../../core/errors.js';
import { describeMachine, sameMachine, transitionProblem } from '../../../domain/maintenance.js';
import { openJournal, reportUnwrittenRecords } from '../../../safety/journal-open.js';
import { acquireDestructiveLock } from '../../../safety/lock.js';
import { renderDownPlan, requestLine, type DownPlan } from '../../../output/maintenance.js';
import type { PlannedRefusal } from '../../../output/plan.js';
import type { Factory } from '../../factory.js';

export interface DownOptions {
  dryRun?: boolean;
  yes?: boolean;
  force?: boolean;
}

export function newCmdMaintenanceDown(f: Factory, runF = run): Command {
  return new Command('down')
    .description('Bring DRAINING machines DOWN: the master shuts their agents down, killing every task there')
    .argument('<agent...>', 'Mesos agent ids or hostnames of scheduled (DRAINING) machines')
    .option('--dry-run', 'Run every check and print the plan; change nothing')
    .option('-y, --yes', 'Do not ask for confirmation (required without a terminal)')
    .option('--force', 'Go ahead even when a stateful app loses its last running instance')
    .addHelpText(
      'after',
      `
Before anything is sent, the same question as \`agent restart-check --reboot\` is asked of the machines'
agents: which tasks die, and which stateful apps keep no running instance elsewhere. Such an app is a
refusal (exit 4) unless --force. Resident tasks keep their reservations and volumes on the agent and
wait for it; stateless ones are rescheduled by their framework. Then: plan, --dry-run, confirmation
(type the hostname, or the machine count, back; --yes without a terminal), a fresh re-check of the
modes, POST /master/machine/down (journaled), and a read of /master/maintenance/status to confirm.

Examples:
  $ stateful-ops agent maintenance down --dry-run 127.0.0.172
  $ stateful-ops agent maintenance down --yes 127.0.0.172
  $ stateful-ops agent maintenance down --yes --force 127.0.0.167`,
    )
    .action(async (agents: string[], options: DownOptions, c: Command) => f.execute(c, (ctx) => runF(ctx, agents, options)));
}

export async function run(ctx: Ctx, agents: string[], options: DownOptions): Promise<ExitCodeValue> {
  const [clients, { readMaintenance, resolveMachines }] = await Promise.all([ctx.cluster(), import('../../../operations/agents/maintenance.js')]);
  const targets = resolveMachines(await readMaintenance(clients), agents);
  // One destructive run at a time per cluster (not for --dry-run), taken before any check.
  if (!options.dryRun) acquireDestructiveLock(ctx, clients, 'maintenance down');
  const journal = openJournal(ctx, clients, 'maintenance-down', targets.map((t) => describeMachine(t.machine)));
  const refused: PlannedRefusal[] = [];
  for (const t of targets) {
    const problem = transitionProblem('down', t.machine, t.mode);
    if (problem) refused.push({ item: describeMachine(t.machine), reasons: [problem] });
  }
  const toDown = targets.filter((t) => t.mode === 'DRAINING');
  const alreadyDown = targets.filter((t) => t.mode === 'DOWN');

  // What dies: the reboot question, asked of the agents on these machines.
  const agentIds = toDown.flatMap((t) => t.agents.map((a) => a.id));
  const { checkRestart } = await import('../../../operations/agents/restart-check.js');
  // A reboot check needs no SSH: nothing survives, whatever the agent's recovery settings.
  const noSsh = () => Promise.reject(new Error('not needed for a reboot check'));
  const impact = agentIds.length > 0 ? await checkRestart(clients, noSsh, { agents: agentIds, mode: 'reboot', downtimeMs: null, signal: ctx.signal }) : null;
  const killed = (impact?.agents ?? []).flatMap((a) =>
    a.tasks.map((t) => ({ agentId: a.agent, task: t.task, framework: t.framework.name, app: t.marathon?.app ?? null, resident: t.marathon?.resident ?? false })),
  );
  const statefulApps = impact?.statefulApps ?? [];
  const losing = statefulApps.filter((a) => a.losesLastInstance);
  if (losing.length > 0 && !options.force) {
    refused.push({
      item: toDown.map((t) => describeMachine(t.machine)).join(', '),
      reasons: losing.map(
        (a) =>
          `${a.app} would lose its last running instance (${a.here.filter((t) => t.killed).map((t) => t.task).join(', ')}; ${a.healthyElsewhere} healthy elsewhere)${a.onlyCopy ? ': these agents also hold the only copy of its data' : ''} — scale it up elsewhere first, or accept the outage with --force`,
      ),
    });
  }
  const body = toDown.map((t) => t.machine);
  const url = `${clients.mesos.baseUrl}/master/machine/down`;
  const plan: DownPlan = {
    machines: toDown,
    alreadyDown,
    killed,
    statefulApps,
    forced: options.force === true && losing.length > 0,
    refused,
    request: toDown.length > 0 ? { method: 'POST', url, body } : null,
    journal: journal.path,
  };

  if (options.dryRun) {
    if (ctx.opts.json) ctx.printJson({ dryRun: true, ...plan });
    else ctx.print(renderDownPlan(plan));
    return refused.length > 0 ? ExitCode.REFUSED : ExitCode.OK;
  }
  if (!ctx.opts.json) ctx.print(renderDownPlan(plan));
  if (refused.length > 0) {
    if (ctx.opts.json) ctx.printJson({ ...plan, result: null });
    return ExitCode.REFUSED;
  }
  if (toDown.length === 0) {
    if (ctx.opts.json) ctx.printJson({ ...plan, result: { outcome: 'already-down', verified: true } });
    ctx.log.info('Nothing to do: every machine is DOWN already.');
    return ExitCode.OK;
  }

  const { confirmDestruction, expectedConfirmation } = await import('../../../safety/confirm.js');
  await confirmDestruction(ctx, {
    yes: options.yes === true,
    expected: expectedConfirmation(toDown.length, toDown[0]?.machine.hostname),
    question: `Bring ${toDown.length} machine${toDown.length === 1 ? '' : 's'} DOWN, killing ${killed.length} task${killed.length === 1 ? '' : 's'}.`,
  });

  // Re-checked right before acting: someone may have brought a machine up or changed the schedule.
  const fresh = resolveMachines(await readMaintenance(clients), toDown.map((t) => t.given));
  const changed = fresh.filter((t) => t.mode !== 'DRAINING');
  if (changed.length > 0) {
    throw new CliError('refused', `${changed.map((t) => `${describeMachine(t.machine)} is now ${t.mode}`).join('; ')}: the cluster changed since the plan; nothing was sent`, {
      hint: 'Check `stateful-ops agent maintenance status`, then run again.',
    });
  }
  await journal.runStep('machines', 'down', async () => {
    await clients.mesos.machines('down', body);
    return { machines: body };
  }, { started: { request: requestLine('POST', url, body) } });
  reportUnwrittenRecords(ctx, journal);
  const status = await clients.mesos.maintenanceStatus();
  const notDown = toDown.filter((t) => !(status.down_machines ?? []).some((m) => sameMachine(m, t.machine)));
  const result = { outcome: 'down', verified: notDown.length === 0 };
  if (ctx.opts.json) ctx.printJson({ ...plan, result });
  else ctx.print(`\nDOWN: ${toDown.map((t) => describeMachine(t.machine)).join(', ')}. Do the work, then \`stateful-ops agent maintenance up ${toDown.map((t) => t.given).join(' ')}\`.`);
  if (notDown.length > 0) {
    ctx.log.warn(`the master's status does not list ${notDown.map((t) => describeMachine(t.machine)).join(', ')} as DOWN`);
    return ExitCode.PARTIAL;
  }
  return ExitCode.OK;
}
