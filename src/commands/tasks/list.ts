import { Command } from 'commander';
import type { Ctx } from '../../context/context.js';
import { ExitCode, messageOf, type ExitCodeValue } from '../../core/errors.js';
import { indexReservations } from '../../domain/reservations.js';
import {
  isShown,
  reservationOnlyViews,
  selectStatefulTasks,
  type StatefulTaskView,
  type TaskFilter,
} from '../../domain/stateful-tasks.js';
import { appFilter, parseTaskId } from '../../domain/task-id.js';
import { renderTasksTable } from '../../output/tasks.js';
import type { Factory } from '../factory.js';
import type { MarathonTask } from '../../model/marathon.js';

export interface TasksListOptions {
  all?: boolean;
  app?: string;
  agent?: string;
  reservations?: boolean;
}

export function newCmdTasksList(f: Factory, runF = run): Command {
  return new Command('list')
    .description('List waiting stateful tasks (reservations and volumes held, nothing running)')
    .option('--all', 'Also list running stateful tasks')
    .option('--app <id>', 'Only this app, or every app under a group prefix ending in / (e.g. /db/)')
    .option('--agent <id|host>', 'Only tasks on this agent (Mesos agent id or hostname)')
    .option('--reservations', "Cross-check every volume with the master's reservations (reads the full /slaves: large on big clusters)")
    .addHelpText(
      'after',
      `
MESOS (with --reservations): ok (every volume is listed by the master on that agent), missing (the
master lists no such volume there any more), in-use (a waiting task whose volume Mesos says is in use),
unknown (not checked: agent unknown or the master could not be read).

States:
  waiting     reservation and volume kept, nothing running (scaled down or killed)
  running     launched on its reservation (staging, running, killing)
  agent-lost  the agent is gone/inactive or the task is unreachable: the reservation
              never times out and needs a manual wipe

Examples:
  $ stateful-ops tasks list
  $ stateful-ops tasks list --all --app /db/
  $ stateful-ops tasks list --reservations      # MESOS column: is each volume still known to Mesos?
  $ stateful-ops tasks list -q | stateful-ops wipe --dry-run -
  $ stateful-ops -o wide tasks list --all
  $ stateful-ops --json tasks list --agent 127.0.0.168 | jq '.[].task'`,
    )
    .action(async (options: TasksListOptions, cmd: Command) => f.execute(cmd, (ctx) => runF(ctx, options)));
}

export async function run(ctx: Ctx, options: TasksListOptions): Promise<ExitCodeValue> {
  const filter: TaskFilter = { includeRunning: options.all === true };
  if (options.app !== undefined) filter.app = appFilter(options.app);
  if (options.agent !== undefined) filter.agent = options.agent;

  const clients = await ctx.cluster();
  const { marathon, mesos } = clients;
  // Two requests, concurrently: every task of every app, and every agent (with its reservations on request).
  const withReservations = options.reservations === true;
  // Once the agents are known (usually long before the tasks have streamed in), a task that will not be
  // a row is dropped as it arrives: memory then follows the rows, not the cluster.
  let known: ReturnType<typeof indexReservations> | undefined;
  const keep = (task: MarathonTask) => isShown(task, known?.presenceOf(task.slaveId), filter);
  const agentsRead = (withReservations ? mesos.slaves() : mesos.agents()).then((value) => {
    known = indexReservations(value, withReservations);
    return value;
  });
  const [tasks, slaves] = await Promise.allSettled([marathon.tasks({ statefulOnly: true, keep }), agentsRead]);
  if (tasks.status === 'rejected' && slaves.status === 'rejected') throw tasks.reason;

  const reservations = indexReservations(slaves.status === 'fulfilled' ? slaves.value : undefined, withReservations);
  let rows: StatefulTaskView[];
  let exitCode: ExitCodeValue = ExitCode.OK;
  if (tasks.status === 'fulfilled') {
    rows = selectStatefulTasks(tasks.value, reservations, filter);
    if (slaves.status === 'rejected') {
      ctx.log.warn(`Mesos master: ${messageOf(slaves.reason)} — agent status unknown, lost agents cannot be detected`);
      exitCode = ExitCode.PARTIAL;
    }
  } else {
    ctx.log.warn(`Marathon: ${messageOf(tasks.reason)} — showing volumes known to Mesos reservations only`);
    // Without Marathon, the reservations are all there is: read them even if not asked for.
    const full = withReservations ? reservations : indexReservations(await mesos.slaves().catch(() => undefined));
    rows = reservationOnlyViews(full, filter);
    exitCode = ExitCode.PARTIAL;
  }

  if (rows.length === 0) {
    const { requireAgentFilter, requireAppFilter } = await import('../../operations/filters/exists.js');
    if (options.app !== undefined && tasks.status === 'fulfilled') {
      await requireAppFilter(clients, options.app, tasks.value.flatMap((t) => t.appId ?? parseTaskId(t.id)?.appId ?? []));
    }
    if (options.agent !== undefined && slaves.status === 'fulfilled') {
      const listed = [...reservations.agents].map(([agentId, a]) => ({ agentId, host: a.hostname }));
      await requireAgentFilter(clients, options.agent, listed);
    }
  }

  if (ctx.opts.json) {
    ctx.printJson(rows);
  } else if (ctx.opts.quiet) {
    for (const r of rows) ctx.print(r.task);
  } else if (rows.length === 0) {
    ctx.log.info(options.all ? 'No stateful tasks.' : 'No waiting stateful tasks. (Use --all to include running ones.)');
  } else {
    ctx.print(renderTasksTable(rows, { layout: ctx.layout, paint: ctx.paint, mesos: withReservations }));
    const lost = rows.filter((r) => r.needsManualWipe).length;
    if (lost > 0) {
      ctx.log.warn(
        `${lost} task${lost === 1 ? '' : 's'} on lost agents: their reservations and volumes never time out; ` +
          'wipe them manually (the data stays on that node\'s disk).',
      );
    }
  }
  return exitCode;
}
