import { reservedResources } from './render-mesos.js';
import { hostPathOf } from './sandbox.js';
import type { MockReservation, MockReservedVolume, MockState } from './types.js';

/**
 * What the Mesos master does with DESTROY_VOLUMES and UNRESERVE_RESOURCES from the v1 operator API
 * (../shared/reference/mesos-dcos/README.md §g; master/http.cpp `_destroyVolumes`, `_operation`,
 * master/validation.cpp). Pure state changes: every resource is validated before anything changes.
 */

export type OperatorOutcome =
  | { ok: true; /** Volume data Mesos (≥ 1.0) deletes on the agent: directory, or only its contents for a MOUNT root. */ deletedData: { agentId: string; hostPath: string; keepRoot: boolean }[] }
  | { ok: false; status: 400 | 409; message: string };

type Json = Record<string, unknown>;

const fail = (status: 400 | 409, message: string): OperatorOutcome => ({ ok: false, status, message });

/** Resource identity as Mesos compares it, ignoring the deprecated `role`/`reservation` when `reservations` is given. */
export function canonicalResource(resource: unknown): string {
  const r = (resource ?? {}) as Json;
  const scalar = (r.scalar as { value?: unknown } | undefined)?.value;
  const refined = Array.isArray(r.reservations) && r.reservations.length > 0 ? (r.reservations as Json[]) : undefined;
  const legacy = r.reservation as Json | undefined;
  const reservations = refined ?? (typeof r.role === 'string' && r.role !== '*' ? [{ type: legacy ? 'DYNAMIC' : 'STATIC', role: r.role, ...legacy }] : []);
  const disk = (r.disk ?? {}) as Json;
  const persistence = disk.persistence as Json | undefined;
  const volume = disk.volume as Json | undefined;
  const source = disk.source as Json | undefined;
  return JSON.stringify({
    name: r.name,
    type: r.type ?? 'SCALAR',
    scalar: typeof scalar === 'number' ? Math.round(scalar * 1000) / 1000 : null,
    reservations: reservations.map((x) => ({
      type: x.type ?? null,
      role: x.role ?? null,
      principal: x.principal ?? null,
      labels: (((x.labels as Json | undefined)?.labels as Json[] | undefined) ?? []).map((l) => [l.key, l.value ?? '']),
    })),
    persistence: persistence ? { id: persistence.id, principal: persistence.principal ?? null } : null,
    volume: volume ? { mode: volume.mode ?? null, container_path: volume.container_path ?? null } : null,
    source: source ? { type: source.type, root: (source.mount as Json | undefined)?.root ?? (source.path as Json | undefined)?.root ?? null } : null,
    shared: r.shared !== undefined,
  });
}

/** Mesos's own short form of a resource in error messages: `disk(reservations: [(DYNAMIC,slave_public,dcos_marathon)]):512`. */
function describe(resource: unknown): string {
  const r = (resource ?? {}) as Json;
  const reservations = (Array.isArray(r.reservations) ? (r.reservations as Json[]) : [])
    .map((x) => `(${String(x.type)},${String(x.role)}${x.principal ? `,${String(x.principal)}` : ''})`)
    .join(',');
  const value = (r.scalar as { value?: unknown } | undefined)?.value;
  return `${String(r.name)}(reservations: [${reservations}]):${String(value)}`;
}

function agentOf(state: MockState, agentId: unknown): string | undefined {
  // The master knows registered agents only: a lost (removed) agent is "not found".
  return typeof agentId === 'string' ? state.agents.find((a) => a.id === agentId && !a.lost && a.down !== true)?.id : undefined;
}

/** A running task holds the reservation: its resources are allocated, not available. */
function inUse(state: MockState, r: MockReservation): boolean {
  const label = r.labels.find((l) => l.key === 'marathon_task_id')?.value;
  return state.tasks.some((t) => t.kind === 'running' && t.agentId === r.agentId && t.reservationLabel !== undefined && t.reservationLabel === label);
}

export function destroyVolumes(state: MockState, agentId: unknown, volumes: unknown): OperatorOutcome {
  const agent = agentOf(state, agentId);
  if (!agent) return fail(400, 'No agent found with specified ID');
  if (!Array.isArray(volumes) || volumes.length === 0) return fail(400, "Invalid DESTROY operation: Missing 'volumes'");
  const matches: { reservation: MockReservation; volume: MockReservedVolume }[] = [];
  for (const requested of volumes) {
    const wanted = canonicalResource(requested);
    let match: { reservation: MockReservation; volume: MockReservedVolume } | undefined;
    for (const reservation of state.reservations.filter((r) => r.agentId === agent)) {
      const volume = reservation.volumes.find((v) => canonicalResource(renderVolume(reservation, v)) === wanted);
      if (volume) match = { reservation, volume };
    }
    if (!match || matches.some((m) => m.volume === match.volume)) return fail(400, 'Invalid DESTROY operation: Persistent volumes not found');
    if (inUse(state, match.reservation)) return fail(400, 'Invalid DESTROY operation: Persistent volumes in use');
    matches.push(match);
  }
  const deletedData = matches.map(({ reservation, volume }) => {
    reservation.volumes = reservation.volumes.filter((v) => v !== volume);
    reservation.plainDisks = [...(reservation.plainDisks ?? []), { sizeMb: volume.sizeMb, ...(volume.source ? { source: volume.source } : {}) }];
    return { agentId: agent, hostPath: hostPathOf(reservation.role, volume), keepRoot: volume.source?.type === 'MOUNT' };
  });
  return { ok: true, deletedData };
}

export function unreserveResources(state: MockState, agentId: unknown, resources: unknown): OperatorOutcome {
  const agent = agentOf(state, agentId);
  if (!agent) return fail(400, 'No agent found with specified ID');
  if (!Array.isArray(resources) || resources.length === 0) return fail(400, "Invalid UNRESERVE operation: Missing 'resources'");
  for (const requested of resources) {
    const r = requested as { disk?: { persistence?: unknown }; shared?: unknown } | null;
    // DESTROY returns a shared volume's disk as non-shared (resources_utils.cpp): `shared` left on it is invalid.
    if (r?.shared !== undefined && r.disk?.persistence === undefined) {
      return fail(400, 'Invalid UNRESERVE operation: Invalid resources: Only persistent volumes can be shared');
    }
    if (r?.disk?.persistence !== undefined) {
      return fail(400, `Invalid UNRESERVE operation: A dynamically reserved persistent volume ${describe(requested)} cannot be unreserved`);
    }
  }
  // Work on copies: nothing changes unless every resource is contained in what is available.
  const onAgent = state.reservations.filter((r) => r.agentId === agent);
  const copies = new Map(onAgent.map((r) => [r, { ...r, plainDisks: [...(r.plainDisks ?? [])] }]));
  for (const requested of resources) {
    const req = requested as Json;
    const owner = onAgent.find((r) => sameReservation(r, req));
    const copy = owner ? copies.get(owner) : undefined;
    const value = (req.scalar as { value?: unknown } | undefined)?.value;
    const notContained = fail(409, `Invalid UNRESERVE Operation: available resources on agent ${agent} do not contain ${describe(requested)}`);
    if (!owner || !copy || typeof value !== 'number' || value <= 0 || inUse(state, owner)) return notContained;
    if (req.name === 'cpus' || req.name === 'mem') {
      const key = req.name;
      if (value > copy[key] + 1e-9) return notContained;
      copy[key] = Math.round((copy[key] - value) * 1000) / 1000;
    } else if (req.name === 'disk') {
      const wanted = canonicalResource(requested);
      const i = copy.plainDisks.findIndex((d) => canonicalResource(renderPlainDisk(copy, d)) === wanted);
      if (i < 0) return notContained;
      copy.plainDisks.splice(i, 1);
    } else return notContained;
  }
  for (const [original, copy] of copies) Object.assign(original, copy);
  state.reservations = state.reservations.filter((r) => r.cpus > 0 || r.mem > 0 || r.volumes.length > 0 || (r.plainDisks ?? []).length > 0);
  return { ok: true, deletedData: [] };
}

function sameReservation(r: MockReservation, requested: Json): boolean {
  const probe = reservedResources({ ...r, cpus: 1, mem: 0, volumes: [], plainDisks: [] }, false)[0];
  const strip = (c: string) => JSON.parse(c) as { reservations: unknown };
  return JSON.stringify(strip(canonicalResource(probe)).reservations) === JSON.stringify(strip(canonicalResource(requested)).reservations);
}

function renderVolume(r: MockReservation, v: MockReservedVolume): Json | undefined {
  return reservedResources({ ...r, cpus: 0, mem: 0, volumes: [v], plainDisks: [] }, false)[0];
}

function renderPlainDisk(r: MockReservation, d: NonNullable<MockReservation['plainDisks']>[number]): Json | undefined {
  return reservedResources({ ...r, cpus: 0, mem: 0, volumes: [], plainDisks: [d] }, false)[0];
}
