import type { MachineId, MaintenanceSchedule, MaintenanceStatus, MaintenanceWindow } from '../model/mesos.js';

/**
 * Mesos maintenance primitives (include/mesos/maintenance/maintenance.proto, src/master/maintenance.cpp),
 * as pure functions: machine ids, schedule edits and machine modes. The master replaces the whole
 * schedule on every POST, so an edit always starts from the schedule just read.
 */

export type MachineMode = 'UP' | 'DRAINING' | 'DOWN';

/** type_utils.hpp: both fields' presence and value must match; the hostname is not case-sensitive. */
export function sameMachine(a: MachineId, b: MachineId): boolean {
  return (a.hostname === undefined) === (b.hostname === undefined) && (a.hostname ?? '').toLowerCase() === (b.hostname ?? '').toLowerCase() && (a.ip ?? null) === (b.ip ?? null);
}

/** `10.0.1.5 (10.0.1.5)` like Mesos's own operator<<, or the one field present. */
export function describeMachine(m: MachineId): string {
  if (m.hostname !== undefined && m.ip !== undefined) return `${m.hostname} (${m.ip})`;
  return m.hostname ?? m.ip ?? '?';
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * The machine an agent runs on, as the master matches it: the agent's hostname and the IP of its pid
 * (`slave(1)@10.0.1.5:5051`). Null when the pid carries no IPv4 address: Mesos would never match it.
 */
export function machineOfAgent(agent: { hostname: string; pid?: string }): MachineId | null {
  const ip = agent.pid === undefined ? undefined : /@([^@:/\s]+):\d+$/.exec(agent.pid)?.[1];
  if (ip === undefined || !IPV4.test(ip)) return null;
  return { hostname: agent.hostname, ip };
}

const machinesOf = (schedule: MaintenanceSchedule) => (schedule.windows ?? []).flatMap((w) => w.machine_ids);

/** The window a machine is scheduled in, if any. */
export function windowOf(schedule: MaintenanceSchedule, machine: MachineId): MaintenanceWindow | undefined {
  return (schedule.windows ?? []).find((w) => w.machine_ids.some((m) => sameMachine(m, machine)));
}

/** The schedule without these machines; windows left empty are dropped (Mesos refuses empty windows). */
export function withoutMachines(schedule: MaintenanceSchedule, machines: readonly MachineId[]): MaintenanceSchedule {
  const windows = (schedule.windows ?? [])
    .map((w) => ({ ...w, machine_ids: w.machine_ids.filter((m) => !machines.some((x) => sameMachine(m, x))) }))
    .filter((w) => w.machine_ids.length > 0);
  return { windows };
}

/** The schedule with the machines in one new window (moved out of any window they were in). Others' windows are kept. */
export function withWindow(schedule: MaintenanceSchedule, machines: readonly MachineId[], startSeconds: number, durationSeconds: number | null): MaintenanceSchedule {
  const kept = withoutMachines(schedule, machines).windows ?? [];
  const unavailability: MaintenanceWindow['unavailability'] = { start: { nanoseconds: startSeconds * 1e9 } };
  if (durationSeconds !== null) unavailability.duration = { nanoseconds: durationSeconds * 1e9 };
  return { windows: [...kept, { machine_ids: machines.map((m) => ({ ...m })), unavailability }] };
}

export function modeOf(status: MaintenanceStatus, schedule: MaintenanceSchedule, machine: MachineId): MachineMode {
  if ((status.down_machines ?? []).some((m) => sameMachine(m, machine))) return 'DOWN';
  if ((status.draining_machines ?? []).some((d) => sameMachine(d.id, machine))) return 'DRAINING';
  // A scheduled machine is DRAINING from the moment it is scheduled, even before status shows it.
  return machinesOf(schedule).some((m) => sameMachine(m, machine)) ? 'DRAINING' : 'UP';
}

/** Every machine the master tracks for maintenance, scheduled or down, each once. */
export function maintenanceMachines(schedule: MaintenanceSchedule, status: MaintenanceStatus): MachineId[] {
  const all: MachineId[] = [];
  for (const m of [...machinesOf(schedule), ...(status.down_machines ?? []), ...(status.draining_machines ?? []).map((d) => d.id)]) {
    if (!all.some((x) => sameMachine(x, m))) all.push(m);
  }
  return all;
}

/** Why a machine is not in the mode the verb needs, with what to do; null when it is. */
export function transitionProblem(verb: 'down' | 'up', machine: MachineId, mode: MachineMode): string | null {
  const name = describeMachine(machine);
  if (verb === 'down') {
    // DOWN already is no problem: there is nothing left to do for it (a resumed run).
    return mode === 'UP' ? `${name} is not scheduled for maintenance (Mesos brings down DRAINING machines only): run \`agent maintenance schedule\` first` : null;
  }
  if (mode === 'UP') return `${name} is UP already (not in the maintenance schedule)`;
  if (mode === 'DRAINING') return `${name} is DRAINING, not DOWN: nothing to bring up (remove it from the schedule with \`agent maintenance schedule --remove\`)`;
  return null;
}

/** `--start`: `now` or an ISO 8601 time with a zone; whole seconds since the epoch (exact as int64 nanoseconds). */
export function parseStart(text: string, nowMs: number): { seconds: number } | { problem: string } {
  if (text === 'now') return { seconds: Math.floor(nowMs / 1000) };
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    return { problem: `'${text}' is not 'now' or an ISO 8601 time with a zone (e.g. 2026-12-02T01:00:00Z)` };
  }
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return { problem: `'${text}' is not a valid time` };
  return { seconds: Math.floor(ms / 1000) };
}
