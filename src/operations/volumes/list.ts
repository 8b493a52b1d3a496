import type { ClusterClients } from '../../context/context.js';
import type { MarathonApp, MarathonInfo, MarathonTask } from '../../model/marathon.js';
import type { MesosSlaves } from '../../model/mesos.js';
import { indexReservations, type ClusterReservations } from '../../domain/reservations.js';
import { isStatefulTask } from '../../domain/waiting.js';
import { compareViews, statefulTaskView, type StatefulTaskView } from '../../domain/stateful-tasks.js';
import { volumeDetails, workDirFrom, type AgentWorkDir, type VolumeDetail } from '../../domain/volume-details.js';
import { mapSettledLimit } from '../../core/map-limit.js';
import { messageOf } from '../../core/errors.js';

export interface VolumeInventory {
  /** The selected stateful tasks, in app/task order. */
  tasks: StatefulTaskView[];
  details: VolumeDetail[];
  reservations: ClusterReservations;
  /** Things that could not be read; the inventory is still usable but less certain. */
  warnings: string[];
}

const AGENT_FLAGS_CONCURRENCY = 16;

/**
 * Volume details for the given apps' stateful tasks: the apps and Marathon's info concurrently, then,
 * for just the agents involved, their reservations (/slaves?slave_id=) and live /flags (work_dir).
 */
export async function inventoryVolumes(
  clients: ClusterClients,
  appsRequest: Promise<MarathonApp[]>,
  taskFilter: (task: MarathonTask) => boolean = () => true,
): Promise<VolumeInventory> {
  const [apps, info] = await Promise.allSettled([appsRequest, clients.marathon.info()]);
  if (apps.status === 'rejected') throw apps.reason;
  const warnings: string[] = [];
  if (info.status === 'rejected') warnings.push(`Marathon /v2/info: ${messageOf(info.reason)} — mesos_role unknown`);
  const marathonRole = info.status === 'fulfilled' ? (info.value as MarathonInfo).marathon_config.mesos_role : undefined;

  const entries = apps.value
    .flatMap((app) =>
      (app.tasks ?? [])
        .filter((t) => isStatefulTask(t) && taskFilter(t))
        .map((task) => ({ app, task: { ...task, appId: task.appId ?? app.id } })),
    )
    .sort((a, b) => compareViews({ app: a.app.id, task: a.task.id }, { app: b.app.id, task: b.task.id }));
  const agentIds = [...new Set(entries.map((e) => e.task.slaveId).filter((id): id is string => typeof id === 'string' && id !== ''))];

  // The agents' reservations and their live flags, concurrently, for just the agents involved.
  const [slaves, flags] = await Promise.all([
    agentIds.length === 0 ? Promise.resolve<MesosSlaves>({ slaves: [] }) : clients.mesos.slaves(agentIds).catch((e: unknown) => e as Error),
    mapSettledLimit(agentIds, AGENT_FLAGS_CONCURRENCY, (id) => clients.mesos.agentFlags(id)),
  ]);
  if (slaves instanceof Error) warnings.push(`Mesos master: ${messageOf(slaves)} — reservations unknown`);
  const reservations = indexReservations(slaves instanceof Error ? undefined : slaves);

  const workDirs = new Map<string, AgentWorkDir>();
  agentIds.forEach((id, i) => {
    const r = flags[i];
    if (r?.status === 'fulfilled') workDirs.set(id, workDirFrom(r.value));
    else if (reservations.presenceOf(id) === 'gone') workDirs.set(id, workDirFrom(undefined, 'the agent is no longer known to the Mesos master'));
    else workDirs.set(id, workDirFrom(undefined, `agent /flags: ${messageOf(r?.reason)}`));
  });
  const details = entries.flatMap(({ app, task }) =>
    volumeDetails({
      task,
      app,
      reservations,
      marathonRole,
      workDir: workDirs.get(task.slaveId ?? '') ?? workDirFrom(undefined, 'the task has no agent id'),
    }),
  );
  const tasks = entries.map(({ task }) => statefulTaskView(task, reservations));
  return { tasks, details, reservations, warnings };
}
