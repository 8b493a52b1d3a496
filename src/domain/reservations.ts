import type { MesosAgent, MesosLabel, MesosResource, MesosSlaves } from '../model/mesos.js';
import type { VolumeSource } from './volume-path.js';
import type { AgentPresence } from './waiting.js';

/** A persistent volume as the Mesos master knows it (from /slaves `reserved_resources_full`). */
export interface MesosVolume {
  agentId: string;
  hostname: string;
  /** Role for the path: the role of the last (innermost) reservation. */
  role: string;
  persistenceId: string;
  containerPath?: string;
  principal?: string;
  source: VolumeSource;
  /** `marathon_framework_id` label, when Marathon made it. */
  frameworkId?: string;
  /** `marathon_task_id` label: the task/reservation/instance id Marathon knew it by. */
  taskLabel?: string;
  /** Also listed in `used_resources_full`: a live container uses it. */
  inUse: boolean;
  diskMb?: number;
}

/** The reading of a master's /slaves answer that every command needs. */
export interface ClusterReservations {
  /** False when built from an agent listing without reservations (state-summary) or from nothing. */
  readonly reservationsKnown: boolean;
  agents: Map<string, MesosAgent>;
  presenceOf(agentId: string | null | undefined): AgentPresence;
  volumesOn(agentId: string, persistenceId: string): MesosVolume[];
  volumesLabelled(taskLabels: string[]): MesosVolume[];
  /** Any reserved resource on the agent carries one of these `marathon_task_id` labels. */
  hasReservation(agentId: string, taskLabels: string[]): boolean;
  allVolumes(): MesosVolume[];
}

export function reservationRole(resource: MesosResource): string | undefined {
  const refined = resource.reservations;
  if (refined && refined.length > 0) return refined[refined.length - 1]?.role;
  return resource.role;
}

function labelsOf(resource: MesosResource): MesosLabel[] {
  const refined = resource.reservations;
  const last = refined && refined.length > 0 ? refined[refined.length - 1] : undefined;
  return last?.labels?.labels ?? resource.reservation?.labels?.labels ?? [];
}

export function labelValue(resource: MesosResource, key: string): string | undefined {
  return labelsOf(resource).find((l) => l.key === key)?.value;
}

export function volumeSourceOf(resource: MesosResource): VolumeSource {
  const source = resource.disk?.source;
  if (!source?.type) return { type: 'ROOT' };
  if (source.id !== undefined) return { type: 'UNSUPPORTED', detail: `CSI volume (source id ${source.id})` };
  if (source.type === 'MOUNT' && source.mount?.root) return { type: 'MOUNT', root: source.mount.root };
  if (source.type === 'PATH' && source.path?.root) return { type: 'PATH', root: source.path.root };
  return { type: 'UNSUPPORTED', detail: `${source.type} disk` };
}

function volumeKey(agentId: string, persistenceId: string): string {
  return `${agentId}\u0000${persistenceId}`;
}

/**
 * Index a master's agent listing. `withReservations` says whether it carries `reserved_resources_full`
 * (/slaves does, /state-summary does not).
 */
export function indexReservations(slaves: MesosSlaves | undefined, withReservations = true): ClusterReservations {
  const agents = new Map<string, MesosAgent>();
  const recovered = new Set<string>();
  const byVolume = new Map<string, MesosVolume[]>();
  const byLabel = new Map<string, MesosVolume[]>();
  const all: MesosVolume[] = [];
  const reservedLabels = new Set<string>();

  for (const agent of slaves?.slaves ?? []) {
    agents.set(agent.id, agent);
    const used = new Set(
      (agent.used_resources_full ?? [])
        .map((r) => r.disk?.persistence?.id)
        .filter((id): id is string => id !== undefined),
    );
    for (const resources of Object.values(agent.reserved_resources_full ?? {})) {
      for (const resource of resources) {
        const reservedFor = labelValue(resource, 'marathon_task_id');
        if (reservedFor !== undefined) reservedLabels.add(volumeKey(agent.id, reservedFor));
        const persistenceId = resource.disk?.persistence?.id;
        const role = reservationRole(resource);
        if (persistenceId === undefined || role === undefined) continue;
        const volume: MesosVolume = {
          agentId: agent.id,
          hostname: agent.hostname,
          role,
          persistenceId,
          source: volumeSourceOf(resource),
          inUse: used.has(persistenceId),
        };
        const containerPath = resource.disk?.volume?.container_path;
        if (containerPath !== undefined) volume.containerPath = containerPath;
        const principal = resource.disk?.persistence?.principal;
        if (principal !== undefined) volume.principal = principal;
        const frameworkId = labelValue(resource, 'marathon_framework_id');
        if (frameworkId !== undefined) volume.frameworkId = frameworkId;
        const taskLabel = labelValue(resource, 'marathon_task_id');
        if (taskLabel !== undefined) volume.taskLabel = taskLabel;
        if (resource.scalar?.value !== undefined) volume.diskMb = resource.scalar.value;
        all.push(volume);
        push(byVolume, volumeKey(agent.id, persistenceId), volume);
        if (taskLabel !== undefined) push(byLabel, taskLabel, volume);
      }
    }
  }
  for (const agent of slaves?.recovered_slaves ?? []) {
    if (!agents.has(agent.id)) recovered.add(agent.id);
  }

  return {
    reservationsKnown: slaves !== undefined && withReservations,
    agents,
    presenceOf(agentId) {
      if (slaves === undefined) return 'unknown';
      if (!agentId) return 'gone';
      const agent = agents.get(agentId);
      if (agent === undefined) return recovered.has(agentId) ? 'inactive' : 'gone';
      return agent.active === false ? 'inactive' : 'active';
    },
    volumesOn(agentId, persistenceId) {
      return byVolume.get(volumeKey(agentId, persistenceId)) ?? [];
    },
    volumesLabelled(taskLabels) {
      const seen = new Set<MesosVolume>();
      for (const label of taskLabels) for (const v of byLabel.get(label) ?? []) seen.add(v);
      return [...seen];
    },
    hasReservation(agentId, taskLabels) {
      return taskLabels.some((label) => reservedLabels.has(volumeKey(agentId, label)));
    },
    allVolumes() {
      return all;
    },
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
