import { Command } from 'commander';
import type { Ctx } from '../../../context/context.js';
import { ExitCode, type ExitCodeValue } from '../../../core/errors.js';
import type { MachineId, MesosMasterState } from '../../../model/mesos.js';
import type { MarathonApp } from '../../../model/marathon.js';
import { machineOfAgent, maintenanceMachines, modeOf, sameMachine, windowOf } from '../../../domain/maintenance.js';
import { isLaunched, isStatefulTask } from '../../../domain/waiting.js';
import { describeWindow, renderMaintenanceStatus, type FrameworkAnswer, type MachineStatus } from '../../../output/maintenance.js';
import type { Factory } from '../../factory.js';

export function newCmdMaintenanceStatus(f: Factory, runF = run): Command {
  return new Command('status')
    .description('Machines in maintenance: DRAINING (with each framework\'s answer to its inverse offers) or DOWN (with the resident tasks waiting for them)')
    .addHelpText(
      'after',
      `
Reads the master's /maintenance/schedule and /maintenance/status, its /state (which frameworks run tasks on
each draining machine) and Marathon's tasks. A framework that never answers its inverse offers (Marathon
does not) shows "no answer": draining does not move its tasks; bringing the machine down does.

Examples:
  $ stateful-ops agent maintenance status
  $ stateful-ops --json agent maintenance status | jq '.machines[] | select(.mode == "DOWN")'`,
    )
    .action(async (_options: unknown, c: Command) => f.execute(c, (ctx) => runF(ctx)));
}

export async function run(ctx: Ctx): Promise<ExitCodeValue> {
  const [clients, { readMaintenance }] = await Promise.all([ctx.cluster(), import('../../../operations/agents/maintenance.js')]);
  const notes: string[] = [];
  const [view, master, apps] = await Promise.all([
    readMaintenance(clients),
    clients.mesos.masterState().catch((e: Error) => {
      notes.push(`master /state unavailable (${e.message}): frameworks on draining machines not listed`);
      return null;
    }),
    clients.marathon.apps({ embedTasks: true }).catch((e: Error) => {
      notes.push(`Marathon unavailable (${e.message}): resident tasks waiting on DOWN machines not listed`);
      return null;
    }),
  ]);
  const machines: MachineStatus[] = maintenanceMachines(view.schedule, view.status).map((machine) => {
    const agents = view.agents.filter((a) => {
      const m = machineOfAgent(a);
      return m !== null && sameMachine(m, machine);
    });
    const mode = modeOf(view.status, view.schedule, machine);
    const statuses = (view.status.draining_machines ?? []).find((d) => sameMachine(d.id, machine))?.statuses ?? [];
    return {
      machine,
      mode,
      window: describeWindow(windowOf(view.schedule, machine)),
      agents: agents.map((a) => a.id),
      frameworks: frameworkAnswers(master, new Set(agents.map((a) => a.id)), statuses),
      waiting: waitingOn(apps, machine),
    };
  });
  for (const n of notes) ctx.log.warn(n);
  if (ctx.opts.json) ctx.printJson({ machines, notes });
  else ctx.print(renderMaintenanceStatus(machines));
  return notes.length > 0 ? ExitCode.PARTIAL : ExitCode.OK;
}

function frameworkAnswers(
  master: MesosMasterState | null,
  agentIds: Set<string>,
  statuses: { status: string; framework_id: { value: string }; timestamp: { nanoseconds: number } }[],
): FrameworkAnswer[] {
  const out: FrameworkAnswer[] = [];
  for (const f of master?.frameworks ?? []) {
    const tasks = (f.tasks ?? []).filter((t) => t.slave_id !== undefined && agentIds.has(t.slave_id)).length;
    const s = statuses.find((x) => x.framework_id.value === f.id);
    if (tasks === 0 && !s) continue;
    out.push({ frameworkId: f.id, name: f.name ?? null, tasks, answer: (s?.status as FrameworkAnswer['answer']) ?? 'no answer', at: s ? new Date(s.timestamp.nanoseconds / 1e6).toISOString() : null });
  }
  for (const s of statuses) {
    if (out.some((x) => x.frameworkId === s.framework_id.value)) continue;
    out.push({ frameworkId: s.framework_id.value, name: null, tasks: 0, answer: s.status as FrameworkAnswer['answer'], at: new Date(s.timestamp.nanoseconds / 1e6).toISOString() });
  }
  return out;
}

/** Marathon names the agent's host on each task; a DOWN machine's agent is gone from the master. */
function waitingOn(apps: MarathonApp[] | null, machine: MachineId): MachineStatus['waiting'] {
  const hosts = [machine.hostname?.toLowerCase(), machine.ip].filter((h): h is string => h !== undefined);
  return (apps ?? []).flatMap((app) =>
    (app.tasks ?? [])
      .filter((t) => isStatefulTask(t) && t.host !== undefined && hosts.includes(t.host.toLowerCase()) && !isLaunched(t))
      .map((t) => ({ app: app.id, task: t.id })),
  );
}
