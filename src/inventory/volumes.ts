import type { ClusterClients } from '../context.js';
import type { MarathonApp, MarathonInfo, MarathonTask } from '../cluster/marathon-types.js';
import type { MesosSlaves } from '../cluster/mesos-types.js';
import { indexReservations, type ClusterReservations } from '../domain/reservations.js';
import { isStatefulTask } from '../domain/waiting.js';
import { compareViews, statefulTaskView, type StatefulTaskView } from '../domain/stateful-tasks.js';
import { volumeDetails, workDirFrom, type AgentWorkDir, type VolumeDetail } from '../domain/volume-details.js';
import { mapSettledLimit } from '../util/map-limit.js';

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
 * Volume details for the given apps' stateful tasks: Marathon info and the master's reservations are read
 * concurrently with the caller's app request, then each distinct agent's /flags (bounded concurrency) for
 * its work_dir.
 */
export async function inventoryVolumes(
  clients: ClusterClients,
  appsRequest: Promise<MarathonApp[]>,
  taskFilter: (task: MarathonTask) => boolean = () => true,
): Promise<VolumeInventory> {
  const [apps, info, slaves] = await Promise.allSettled([appsRequest, clients.marathon.info(), clients.mesos.slaves()]);
  if (apps.status === 'rejected') throw apps.reason;
  const warnings: string[] = [];
  if (info.status === 'rejected') warnings.push(`Marathon /v2/info: ${message(info.reason)} — mesos_role unknown`);
  if (slaves.status === 'rejected') warnings.push(`Mesos master: ${message(slaves.reason)} — reservations unknown`);

  const reservations = indexReservations(slaves.status === 'fulfilled' ? (slaves.value as MesosSlaves) : undefined);
  const marathonRole = info.status === 'fulfilled' ? (info.value as MarathonInfo).marathon_config.mesos_role : undefined;

  const entries = apps.value
    .flatMap((app) =>
      (app.tasks ?? [])
        .filter((t) => isStatefulTask(t) && taskFilter(t))
        .map((task) => ({ app, task: { ...task, appId: task.appId ?? app.id } })),
    )
    .sort((a, b) => compareViews({ app: a.app.id, task: a.task.id }, { app: b.app.id, task: b.task.id }));
  const workDirs = await agentWorkDirs(clients, reservations, entries.map((e) => e.task.slaveId));
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

async function agentWorkDirs(
  clients: ClusterClients,
  reservations: ClusterReservations,
  agentIds: (string | null | undefined)[],
): Promise<Map<string, AgentWorkDir>> {
  const distinct = [...new Set(agentIds.filter((id): id is string => typeof id === 'string' && id !== ''))];
  const result = new Map<string, AgentWorkDir>();
  const reachable = distinct.filter((id) => {
    const presence = reservations.presenceOf(id);
    if (presence === 'gone') result.set(id, workDirFrom(undefined, 'the agent is no longer known to the Mesos master'));
    return presence !== 'gone';
  });
  const flags = await mapSettledLimit(reachable, AGENT_FLAGS_CONCURRENCY, (id) => clients.mesos.agentFlags(id));
  reachable.forEach((id, i) => {
    const r = flags[i];
    result.set(id, r?.status === 'fulfilled' ? workDirFrom(r.value) : workDirFrom(undefined, `agent /flags: ${message(r?.reason)}`));
  });
  return result;
}

function message(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
