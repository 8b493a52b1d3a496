import { Command } from 'commander';
import type { Ctx } from '../../context/context.js';
import { ExitCode, sharedAgentFailureCode, type ExitCodeValue } from '../../core/errors.js';
import { appFilter, normalizeAppId } from '../../domain/task-id.js';
import { inventoryVolumes } from '../../operations/volumes/list.js';
import { renderVolumesTable } from '../../output/volumes.js';
import type { Factory } from '../factory.js';
import { agentsProgress } from '../../output/summary.js';
import { addSshOptions, sshFlagsFrom, type SshCommandOptions } from '../ssh-options.js';

export interface VolumesListOptions extends SshCommandOptions {
  app?: string;
  agent?: string;
  waiting?: boolean;
  diskUsage?: boolean;
}

export function newCmdVolumesList(f: Factory, runF = run): Command {
  const cmd = new Command('list')
    .description('List persistent volumes of stateful tasks with their host paths on the agents')
    .option('--app <id>', 'Only this app, or every app under a group prefix ending in / (e.g. /db/)')
    .option('--agent <id|host>', 'Only volumes on this agent (Mesos agent id or hostname)')
    .option('--waiting', 'Only volumes of waiting or agent-lost tasks')
    .option('--disk-usage', 'Measure each volume on its agent over SSH (du)')
    .addHelpText(
      'after',
      `
Examples:
  $ stateful-ops volumes list --app /postgres
  $ stateful-ops volumes list --waiting --agent 127.0.0.168
  $ stateful-ops --json volumes list --app /db/ | jq -r '.[].hostPath'
  $ stateful-ops volumes list --waiting --disk-usage --ssh-user core
  $ stateful-ops volumes list --waiting -q      # the task ids, one per line (pipe into wipe -)`,
    )
    .action(async (options: VolumesListOptions, c: Command) => f.execute(c, (ctx) => runF(ctx, options)));
  return addSshOptions(cmd);
}

export async function run(ctx: Ctx, options: VolumesListOptions): Promise<ExitCodeValue> {
  const clients = await ctx.cluster();
  const single = options.app !== undefined && !options.app.trim().endsWith('/');
  const matchesApp = options.app === undefined ? () => true : appFilter(options.app);
  // One app: GET /v2/apps/<id> (404 → not found). Otherwise one GET /v2/apps?embed=apps.tasks.
  const apps = single
    ? clients.marathon.app(normalizeAppId(options.app ?? '')).then((app) => [app])
    : clients.marathon.apps({ embedTasks: true }).then((all) => all.filter((a) => matchesApp(a.id)));
  const agent = options.agent;
  const inventory = await inventoryVolumes(
    clients,
    apps,
    agent === undefined ? undefined : (task) => task.slaveId === agent || task.host === agent,
  );
  for (const w of inventory.warnings) ctx.log.warn(w);
  if (inventory.details.length === 0) {
    const { requireAgentFilter, requireAppFilter } = await import('../../operations/filters/exists.js');
    if (options.app !== undefined && !single) await requireAppFilter(clients, options.app, []);
    if (agent !== undefined) await requireAgentFilter(clients, agent, []);
  }
  const details = options.waiting ? inventory.details.filter((d) => d.taskState !== 'running') : inventory.details;
  let unmeasured = 0;
  let sshFailure: ExitCodeValue | null = null;
  if (options.diskUsage && details.length > 0) {
    const access = await ctx.agents(sshFlagsFrom(options));
    const { measureDiskUsage } = await import('../../operations/volumes/disk-usage.js');
    const measured = await measureDiskUsage(access, details, ctx.signal, (done, total) => ctx.progress(agentsProgress(done, total)));
    ctx.progressDone();
    sshFailure = sharedAgentFailureCode(measured.failures, measured.targeted);
    for (const d of details) {
      for (const n of d.notes.filter((x) => x.startsWith('size on disk unknown'))) {
        unmeasured++;
        ctx.log.warn(`${d.task} ${d.containerPath}: ${n}`);
      }
    }
  }

  if (ctx.opts.json) ctx.printJson(details);
  else if (ctx.opts.quiet) for (const task of new Set(details.map((d) => d.task))) ctx.print(task);
  else if (details.length === 0) ctx.log.info('No persistent volumes match.');
  else ctx.print(renderVolumesTable(details, ctx.layout, ctx.paint));
  if (sshFailure !== null) return sshFailure;
  return inventory.warnings.length > 0 || unmeasured > 0 ? ExitCode.PARTIAL : ExitCode.OK;
}
