import { launchMissing, restartOnReservation, type NewVolumeDir } from './marathon-ops.js';
import { isRegistered } from './render-mesos.js';
import type { MockAgent, MockMachineId, MockMaintenance, MockState, MockUnavailability } from './types.js';

/**
 * The master's maintenance primitives (mesos src/master/maintenance.cpp and the handlers in
 * src/master/http.cpp): schedule validation and update, machine/down, machine/up, the status. Error texts
 * are Mesos's own; every failure is a 400 with that text.
 */

export type Outcome<T = undefined> = { ok: true; value: T } | { ok: false; message: string };

const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

/** What JSON::protobuf(id) prints: fields in proto order, present ones only, no spaces. */
export function machineText(id: MockMachineId): string {
  return JSON.stringify({ ...(id.hostname === undefined ? {} : { hostname: id.hostname }), ...(id.ip === undefined ? {} : { ip: id.ip }) });
}

/** type_utils.hpp `operator==(MachineID)`: both fields' presence and value; the hostname case-insensitively. */
export function machineKey(id: MockMachineId): string {
  return `${id.hostname === undefined ? '-' : `h:${id.hostname.toLowerCase()}`}\u0000${id.ip === undefined ? '-' : `i:${id.ip}`}`;
}

/** A registered agent's machine: its hostname and the IP of its pid (the mock's pid is `slave(1)@<hostname>:<port>`). */
export function agentMachine(agent: MockAgent): MockMachineId {
  return { hostname: agent.hostname, ip: agent.hostname };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** validation::machine */
function validMachine(id: MockMachineId): string | null {
  if (!id.hostname && !id.ip) return "Both 'hostname' and 'ip' for a machine are empty";
  if (id.ip && !IPV4.test(id.ip)) return `Failed to parse IPv4: ${id.ip}`;
  return null;
}

/** validation::machines, used by machine/down and machine/up. */
function validMachines(ids: MockMachineId[]): string | null {
  if (ids.length === 0) return 'List of machines is empty';
  const seen = new Set<string>();
  for (const id of ids) {
    const problem = validMachine(id);
    if (problem) return problem;
    if (seen.has(machineKey(id))) return `Machine '${machineText(id)}' appears more than once in the schedule`;
    seen.add(machineKey(id));
  }
  return null;
}

type Mode = 'UP' | 'DRAINING' | 'DOWN';

function maintenanceOf(state: MockState): MockMaintenance {
  state.maintenance ??= { windows: [], machines: [] };
  return state.maintenance;
}

/** The master's `machines`: every machine in maintenance plus those of registered agents (UP). */
function machineModes(state: MockState): Map<string, { id: MockMachineId; mode: Mode }> {
  const modes = new Map<string, { id: MockMachineId; mode: Mode }>();
  for (const m of state.maintenance?.machines ?? []) modes.set(machineKey(m.id), { id: m.id, mode: m.mode });
  for (const a of state.agents.filter(isRegistered)) {
    const id = agentMachine(a);
    if (!modes.has(machineKey(id))) modes.set(machineKey(id), { id, mode: 'UP' });
  }
  return modes;
}

export interface ParsedWindow {
  machine_ids: MockMachineId[];
  unavailability: MockUnavailability;
}

/** validation::schedule, then UpdateSchedule: new machines start DRAINING, removed ones go back UP. */
export function updateSchedule(state: MockState, windows: ParsedWindow[], nowNs: number): Outcome {
  const updated = new Set<string>();
  for (const w of windows) {
    if (w.machine_ids.length === 0) return fail('List of machines in the maintenance window is empty');
    if ((w.unavailability.duration?.nanoseconds ?? 0) < 0) return fail("Unavailability 'duration' is negative");
    for (const id of w.machine_ids) {
      const problem = validMachine(id);
      if (problem) return fail(problem);
      if (updated.has(machineKey(id))) return fail(`Machine '${machineText(id)}' appears more than once in the schedule`);
      updated.add(machineKey(id));
    }
  }
  const m = maintenanceOf(state);
  for (const machine of m.machines) {
    if (machine.mode === 'DOWN' && !updated.has(machineKey(machine.id))) {
      return fail(`Machine '${machineText(machine.id)}' is deactivated and cannot be removed from the schedule`);
    }
  }
  const kept = m.machines.filter((x) => updated.has(machineKey(x.id)));
  const known = new Set(kept.map((x) => machineKey(x.id)));
  for (const w of windows) {
    for (const id of w.machine_ids) if (!known.has(machineKey(id))) kept.push({ id, mode: 'DRAINING', since: nowNs });
  }
  m.machines = kept;
  m.windows = windows;
  return { ok: true, value: undefined };
}

function checkModes(state: MockState, ids: MockMachineId[], wanted: Mode, verb: string): string | null {
  const problem = validMachines(ids);
  if (problem) return problem;
  const modes = machineModes(state);
  for (const id of ids) {
    const known = modes.get(machineKey(id));
    if (!known) return `Machine '${machineText(id)}' is not part of a maintenance schedule`;
    if (known.mode !== wanted) return `Machine '${machineText(id)}' is not in ${wanted} mode and cannot be brought ${verb}`;
  }
  return null;
}

const agentsOn = (state: MockState, keys: Set<string>) => state.agents.filter((a) => !a.lost && keys.has(machineKey(agentMachine(a))));

/**
 * StartMaintenance: each agent on the machines is shut down and removed. Partition-aware Marathon gets
 * TASK_GONE_BY_OPERATOR: resident tasks keep their reservation on that agent (waiting for it), stateless
 * ones are replaced elsewhere; other frameworks' tasks are gone.
 */
export function machineDown(state: MockState, ids: MockMachineId[]): Outcome<NewVolumeDir[]> {
  const problem = checkModes(state, ids, 'DRAINING', 'down');
  if (problem) return fail(problem);
  const keys = new Set(ids.map(machineKey));
  const newVolumes: NewVolumeDir[] = [];
  const downed = agentsOn(state, keys);
  for (const a of downed) a.down = true;
  const downedIds = new Set(downed.map((a) => a.id));
  const replaced = new Set<string>();
  for (const task of [...state.tasks]) {
    if (!downedIds.has(task.agentId) || task.kind !== 'running') continue;
    if (task.reservationLabel) {
      task.kind = 'waiting';
      task.mesosState = 'TASK_GONE_BY_OPERATOR';
      task.ports = [];
      task.downForMaintenance = true;
    } else {
      state.tasks = state.tasks.filter((t) => t !== task);
      replaced.add(task.appId);
    }
  }
  for (const appId of replaced) newVolumes.push(...launchMissing(state, appId));
  for (const fw of state.otherFrameworks ?? []) fw.tasks = fw.tasks.filter((t) => !downedIds.has(t.agentId));
  for (const machine of maintenanceOf(state).machines) if (keys.has(machineKey(machine.id))) machine.mode = 'DOWN';
  return { ok: true, value: newVolumes };
}

/** StopMaintenance: the machines leave the schedule (UP); their agents register again and Marathon relaunches its resident tasks there. */
export function machineUp(state: MockState, ids: MockMachineId[]): Outcome {
  const problem = checkModes(state, ids, 'DOWN', 'up');
  if (problem) return fail(problem);
  const keys = new Set(ids.map(machineKey));
  const m = maintenanceOf(state);
  m.machines = m.machines.filter((x) => !keys.has(machineKey(x.id)));
  m.windows = m.windows
    .map((w) => ({ ...w, machine_ids: w.machine_ids.filter((id) => !keys.has(machineKey(id))) }))
    .filter((w) => w.machine_ids.length > 0);
  const back = agentsOn(state, keys);
  for (const a of back) delete a.down;
  const backIds = new Set(back.map((a) => a.id));
  for (const task of state.tasks) {
    if (!task.downForMaintenance || !backIds.has(task.agentId)) continue;
    delete task.downForMaintenance;
    restartOnReservation(state, task);
  }
  return { ok: true, value: undefined };
}

/** GET /master/maintenance/schedule: `{}` when empty (repeated fields are omitted from JSON::protobuf). */
export function renderSchedule(state: MockState): Record<string, unknown> {
  const windows = state.maintenance?.windows ?? [];
  return windows.length === 0 ? {} : { windows };
}

/**
 * GET /master/maintenance/status (ClusterStatus): draining machines with the inverse-offer answers of the
 * frameworks using resources there (a framework that never answers has no status), and the down machines.
 */
export function renderStatus(state: MockState): Record<string, unknown> {
  const draining: Record<string, unknown>[] = [];
  const down: MockMachineId[] = [];
  for (const machine of state.maintenance?.machines ?? []) {
    if (machine.mode === 'DOWN') {
      down.push(machine.id);
      continue;
    }
    const agentIds = new Set(agentsOn(state, new Set([machineKey(machine.id)])).filter(isRegistered).map((a) => a.id));
    const statuses = (state.otherFrameworks ?? [])
      .filter((fw) => fw.inverseOffers !== 'ignore' && fw.tasks.some((t) => agentIds.has(t.agentId)))
      .map((fw) => ({ status: fw.inverseOffers, framework_id: { value: fw.id }, timestamp: { nanoseconds: machine.since + 1e9 } }));
    draining.push({ id: machine.id, ...(statuses.length > 0 ? { statuses } : {}) });
  }
  return { ...(draining.length > 0 ? { draining_machines: draining } : {}), ...(down.length > 0 ? { down_machines: down } : {}) };
}
