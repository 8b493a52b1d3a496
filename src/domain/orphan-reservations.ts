import type { MesosOperatorCall, MesosResource, MesosSlaves } from '../model/mesos.js';
import { labelValue, reservationRole } from './reservations.js';

/**
 * Reservations Marathon will never use again (../shared/reference/marathon/README.md §g, seed note
 * "non-unique roles"): labelled with Marathon's framework id but a `marathon_task_id` no task of
 * Marathon's carries, or labelled by another Marathon framework on a role Marathon uses.
 */

export type OrphanReservationKind = 'unknown-task' | 'other-framework';

export interface OrphanReservation {
  /** Stable name of this reservation: agent, role and labels. Journal item of a release. */
  key: string;
  agentId: string;
  hostname: string;
  role: string;
  kind: OrphanReservationKind;
  /** The `marathon_framework_id` label. */
  frameworkId: string;
  /** The `marathon_task_id` label. */
  taskLabel: string | null;
  principal: string | null;
  /** Exactly as the master listed them in `reserved_resources_full`. */
  resources: MesosResource[];
  volumes: { persistenceId: string; containerPath: string | null; diskMb: number }[];
  totals: { cpus: number; memMb: number; diskMb: number };
  /** A live task uses the resources (`used_resources_full`). */
  inUse: boolean;
  reason: string;
  /** Why it must not be released now; null when it may be. */
  blocked: string | null;
  /** The operator API calls that release it, in order: DESTROY_VOLUMES (if it holds volumes), UNRESERVE_RESOURCES. */
  calls: MesosOperatorCall[];
}

export interface OrphanReservationInput {
  slaves: MesosSlaves;
  /** Marathon's framework id (/v2/info `frameworkId`). */
  frameworkId: string;
  /** The roles Marathon reserves for: `--mesos_role` and (1.9+) its tasks' roles. */
  marathonRoles: ReadonlySet<string>;
  /** Every `marathon_task_id` value Marathon's current tasks can carry. */
  knownTaskLabels: ReadonlySet<string>;
  /** Frameworks the master has registered; undefined when that could not be read. */
  registeredFrameworks?: ReadonlySet<string>;
}

const FRAMEWORK_LABEL = 'marathon_framework_id';
const TASK_LABEL = 'marathon_task_id';

function isDynamic(resource: MesosResource): boolean {
  const last = resource.reservations?.at(-1);
  return last !== undefined ? last.type !== 'STATIC' : resource.reservation !== undefined;
}

function groupKey(agentId: string, role: string, framework: string, task: string | undefined): string {
  return [agentId, role, framework, task ?? ''].join('\u0000');
}

export function findOrphanReservations(input: OrphanReservationInput): OrphanReservation[] {
  const orphans: OrphanReservation[] = [];
  for (const agent of input.slaves.slaves) {
    const used = new Set<string>();
    for (const r of agent.used_resources_full ?? []) {
      const framework = labelValue(r, FRAMEWORK_LABEL);
      const role = reservationRole(r);
      if (framework !== undefined && role !== undefined) used.add(groupKey(agent.id, role, framework, labelValue(r, TASK_LABEL)));
    }
    const groups = new Map<string, MesosResource[]>();
    for (const resources of Object.values(agent.reserved_resources_full ?? {})) {
      for (const resource of resources) {
        const framework = labelValue(resource, FRAMEWORK_LABEL);
        const role = reservationRole(resource);
        if (framework === undefined || role === undefined || !isDynamic(resource)) continue;
        const key = groupKey(agent.id, role, framework, labelValue(resource, TASK_LABEL));
        groups.set(key, [...(groups.get(key) ?? []), resource]);
      }
    }
    for (const [key, resources] of groups) {
      const first = resources[0] as MesosResource;
      const role = reservationRole(first) as string;
      const framework = labelValue(first, FRAMEWORK_LABEL) as string;
      const taskLabel = labelValue(first, TASK_LABEL) ?? null;
      let kind: OrphanReservationKind;
      let reason: string;
      if (framework === input.frameworkId) {
        if (taskLabel !== null && input.knownTaskLabels.has(taskLabel)) continue;
        kind = 'unknown-task';
        reason = taskLabel === null ? 'labelled with Marathon\'s framework id but no task id' : `Marathon has no task '${taskLabel}'`;
      } else if (input.marathonRoles.has(role)) {
        kind = 'other-framework';
        reason = `reserved on Marathon's role '${role}' by another framework (${framework}): roles are not unique to a framework`;
      } else continue;
      const inUse = used.has(key);
      orphans.push({
        key: key.replaceAll('\u0000', ' '),
        agentId: agent.id,
        hostname: agent.hostname,
        role,
        kind,
        frameworkId: framework,
        taskLabel,
        principal: first.reservations?.at(-1)?.principal ?? first.reservation?.principal ?? null,
        resources,
        volumes: resources.flatMap((r) =>
          r.disk?.persistence ? [{ persistenceId: r.disk.persistence.id, containerPath: r.disk.volume?.container_path ?? null, diskMb: r.scalar?.value ?? 0 }] : [],
        ),
        totals: totals(resources),
        inUse,
        reason,
        blocked: blockedReason(kind, framework, inUse, input.registeredFrameworks),
        calls: releaseCalls(agent.id, resources),
      });
    }
  }
  return orphans;
}

function totals(resources: MesosResource[]): OrphanReservation['totals'] {
  const sum = (name: string) => Math.round(resources.filter((r) => r.name === name).reduce((acc, r) => acc + (r.scalar?.value ?? 0), 0) * 1000) / 1000;
  return { cpus: sum('cpus'), memMb: sum('mem'), diskMb: sum('disk') };
}

function blockedReason(kind: OrphanReservationKind, framework: string, inUse: boolean, registered: ReadonlySet<string> | undefined): string | null {
  if (inUse) return 'a live task uses these resources (Mesos lists them as used)';
  if (kind !== 'other-framework') return null;
  if (registered === undefined) return `could not check whether framework ${framework} is still registered with Mesos`;
  if (registered.has(framework)) return `framework ${framework} is registered with Mesos and may still use this reservation`;
  return null;
}

/**
 * DESTROY_VOLUMES with the volumes exactly as listed, then UNRESERVE_RESOURCES with every resource of the
 * reservation — the volumes' disks as DESTROY leaves them (no persistence, no volume, not `shared`: Mesos clears
 * it on DESTROY; a persistent volume itself cannot be unreserved), everything else unchanged.
 */
export function releaseCalls(agentId: string, resources: MesosResource[]): MesosOperatorCall[] {
  const agent_id = { value: agentId };
  const volumes = resources.filter((r) => r.disk?.persistence !== undefined);
  const calls: MesosOperatorCall[] = [];
  if (volumes.length > 0) calls.push({ type: 'DESTROY_VOLUMES', destroy_volumes: { agent_id, volumes } });
  calls.push({ type: 'UNRESERVE_RESOURCES', unreserve_resources: { agent_id, resources: resources.map(asDestroyed) } });
  return calls;
}

function asDestroyed(resource: MesosResource): MesosResource {
  if (resource.disk?.persistence === undefined) return resource;
  const { persistence: _persistence, volume: _volume, ...disk } = resource.disk;
  const { disk: _disk, shared: _shared, ...rest } = resource;
  return Object.keys(disk).length > 0 ? { ...rest, disk } : rest;
}

/** `role slave_public, framework <id>, task <label>`: how messages name a reservation. */
export function describeReservation(r: Pick<OrphanReservation, 'role' | 'frameworkId' | 'taskLabel'>): string {
  return `role ${r.role}, framework ${r.frameworkId}, task ${r.taskLabel ?? '(none)'}`;
}
