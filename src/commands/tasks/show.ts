import { Command } from 'commander';
import type { Ctx } from '../../context/context.js';
import { notFound, sharedAgentFailureCode, usageError, ExitCode, type ExitCodeValue } from '../../core/errors.js';
import { parseTaskId } from '../../domain/task-id.js';
import { isStatefulTask } from '../../domain/waiting.js';
import { printable } from '../../domain/mesos-ids.js';
import { inventoryVolumes } from '../../operations/volumes/list.js';
import type { Factory } from '../factory.js';
import { agentsProgress } from '../../output/summary.js';
import { renderTaskShow } from '../../output/tasks.js';
import { addSshOptions, sshFlagsFrom, type SshCommandOptions } from '../ssh-options.js';

export interface TasksShowOptions extends SshCommandOptions {
  diskUsage?: boolean;
}

export function newCmdTasksShow(f: Factory, runF = run): Command {
  const cmd = new Command('show')
    .description('Show one stateful task: its agent, state and every persistent volume with its host path')
    .argument('<task-id>', 'Marathon task id, as listed by `tasks list`')
    .option('--disk-usage', 'Measure each volume on its agent over SSH (du)')
    .addHelpText(
      'after',
      `
The host path is built as the agent builds it: <work_dir>/volumes/roles/<role>/<persistence id>
(work_dir from the agent's live /flags; a MOUNT disk's path is its mount root).

Examples:
  $ stateful-ops tasks show postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1
  $ stateful-ops --json tasks show postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1 | jq '.volumes[].hostPath'
  $ stateful-ops tasks show --disk-usage --sudo --ssh-user core postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1`,
    )
    .action(async (taskId: string, options: TasksShowOptions, c: Command) => f.execute(c, (ctx) => runF(ctx, taskId, options)));
  return addSshOptions(cmd);
}

export async function run(ctx: Ctx, taskId: string, options: TasksShowOptions = {}): Promise<ExitCodeValue> {
  const parsed = parseTaskId(taskId);
  if (!parsed) {
    throw usageError(
      `'${printable(taskId)}' is not a Marathon task id`,
      'Task ids look like postgres.<uuid>, postgres.<uuid>.1 or postgres.instance-<uuid>._app.1 (see `tasks list`).',
    );
  }
  const clients = await ctx.cluster();
  const inventory = await inventoryVolumes(
    clients,
    clients.marathon.app(parsed.appId).then((app) => {
      const task = (app.tasks ?? []).find((t) => t.id === taskId);
      if (!task) throw notFound(`Task '${taskId}' does not exist in app '${parsed.appId}'`);
      if (!isStatefulTask(task)) throw notFound(`task '${taskId}' has no persistent volumes (not a stateful task)`);
      return [{ ...app, tasks: [task] }];
    }),
  );
  for (const w of inventory.warnings) ctx.log.warn(w);

  const summary = inventory.tasks[0];
  if (!summary) throw notFound(`Task '${taskId}' does not exist`);
  let sshFailure: ExitCodeValue | null = null;
  if (options.diskUsage) {
    const access = await ctx.agents(sshFlagsFrom(options));
    const { measureDiskUsage } = await import('../../operations/volumes/disk-usage.js');
    const measured = await measureDiskUsage(access, inventory.details, ctx.signal, (done, total) => ctx.progress(agentsProgress(done, total)));
    ctx.progressDone();
    sshFailure = sharedAgentFailureCode(measured.failures, measured.targeted);
  }

  if (ctx.opts.json) {
    ctx.printJson({ task: summary, volumes: inventory.details });
  } else {
    ctx.print(renderTaskShow(summary, inventory.details));
  }
  const unmeasured = options.diskUsage ? inventory.details.filter((d) => d.sizeOnDisk === null).length : 0;
  if (sshFailure !== null) return sshFailure;
  return inventory.warnings.length > 0 || unmeasured > 0 ? ExitCode.PARTIAL : ExitCode.OK;
}
