import { Command } from 'commander';
import type { Ctx } from '../../context/context.js';
import { notFound, sharedAgentFailureCode, usageError, ExitCode, type ExitCodeValue } from '../../core/errors.js';
import { parseTaskId } from '../../domain/task-id.js';
import type { StatefulTaskView } from '../../domain/stateful-tasks.js';
import { isStatefulTask } from '../../domain/waiting.js';
import type { VolumeDetail } from '../../domain/volume-details.js';
import { printable } from '../../domain/mesos-ids.js';
import { inventoryVolumes } from '../../operations/volumes/list.js';
import type { Factory } from '../factory.js';
import { agentsProgress } from '../../output/summary.js';
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

export function renderTaskShow(task: StatefulTaskView, volumes: VolumeDetail[]): string {
  const lines = [
    ...keyValues([
      ['TASK', task.task],
      ['APP', task.app],
      ['STATE', task.state],
      ['AGENT', `${task.agentId ?? 'N/A'} (${task.host ?? 'no host'}, ${task.agentStatus})`],
    ]),
  ];
  if (task.note) lines.push(...keyValues([['NOTE', task.note]]));
  for (const v of volumes) {
    lines.push('', `VOLUME ${v.containerPath}`);
    lines.push(...renderVolume(v).map((l) => `  ${l}`));
  }
  return lines.join('\n') + '\n';
}

export function renderVolume(v: VolumeDetail): string[] {
  const id = v.persistenceIdValid ? v.persistenceId : `${printable(v.persistenceId)} (INVALID: ${v.persistenceIdProblem})`;
  const mesos = v.mesos.volumeKnown
    ? `volume known${v.mesos.inUse ? ', in use by a container' : ''}${v.mesos.source && v.mesos.source !== 'ROOT' ? `, ${v.mesos.source} disk` : ''}`
    : v.mesos.reservationKnown
      ? 'reservation known, volume not listed'
      : 'not known to the Mesos master';
  const pairs: [string, string][] = [
    ['PERSISTENCE ID', id],
    ['MODE', v.mode ?? 'N/A'],
    ['SIZE', v.sizeMb === null ? 'N/A' : `${v.sizeMb} MiB${v.type ? ` (${v.type})` : ''}`],
    ['ROLE', v.role === null ? 'unknown' : `${v.role}${v.roleSource ? ` (from ${v.roleSource})` : ''}`],
    ['WORK DIR', `${v.workDir} (${v.workDirSource === 'agent-flags' ? 'agent /flags' : 'DC/OS default'})`],
    ['HOST PATH', v.hostPath === null ? `unavailable: ${v.hostPathProblem}` : `${v.hostPath}${v.isMountRoot ? '  (mount root: contents only)' : ''}`],
    ['MESOS', mesos],
    ['ON DISK', v.sizeOnDisk === null ? 'not measured' : `${v.sizeOnDisk} bytes`],
  ];
  for (const note of v.notes) pairs.push(['NOTE', note]);
  return keyValues(pairs);
}

function keyValues(pairs: [string, string][]): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
}
