import type { MachineId, MaintenanceSchedule, MaintenanceStatus, MesosAgent } from '../../model/mesos.js';
import type { ClusterClients } from '../../context/context.js';
import { describeMachine, machineOfAgent, maintenanceMachines, modeOf, sameMachine, type MachineMode } from '../../domain/maintenance.js';
import { printable } from '../../domain/mesos-ids.js';
import { notFound } from '../../core/errors.js';

/**
 * Reads the master's maintenance state and turns the operator's agent ids / hostnames into Mesos
 * MachineIDs. A DOWN machine's agents are no longer registered, so machines are also found in the
 * schedule and status by hostname or IP.
 */

export interface MaintenanceView {
  schedule: MaintenanceSchedule;
  status: MaintenanceStatus;
  agents: MesosAgent[];
}

export async function readMaintenance(clients: ClusterClients): Promise<MaintenanceView> {
  const [schedule, status, agents] = await Promise.all([clients.mesos.maintenanceSchedule(), clients.mesos.maintenanceStatus(), clients.mesos.agents()]);
  return { schedule, status, agents: agents.slaves };
}

export interface MachineTarget {
  /** What the operator typed. */
  given: string;
  machine: MachineId;
  mode: MachineMode;
  /** Agents registered on the machine now (none once it is DOWN). */
  agents: { id: string; hostname: string }[];
}

export function resolveMachines(view: MaintenanceView, values: readonly string[]): MachineTarget[] {
  const targets: MachineTarget[] = [];
  const tracked = maintenanceMachines(view.schedule, view.status);
  for (const value of values) {
    const agent = view.agents.find((a) => a.id === value || a.hostname === value);
    let machine: MachineId | null | undefined;
    if (agent) {
      machine = machineOfAgent(agent);
      if (machine === null) throw notFound(`agent ${agent.id} advertises no IPv4 address in its pid (${printable(agent.pid ?? 'none')}): Mesos cannot match it to a machine`);
    } else {
      machine = tracked.find((m) => m.hostname?.toLowerCase() === value.toLowerCase() || m.ip === value);
    }
    if (!machine) {
      throw notFound(
        `'${printable(value)}' is neither an agent the Mesos master lists nor a machine in its maintenance schedule`,
        'Give a Mesos agent id or hostname (see `dcos node list`), or `agent maintenance status` for scheduled machines.',
      );
    }
    const found = machine;
    if (targets.some((t) => sameMachine(t.machine, found))) continue;
    targets.push({
      given: value,
      machine: found,
      mode: modeOf(view.status, view.schedule, found),
      agents: view.agents.filter((a) => {
        const m = machineOfAgent(a);
        return m !== null && sameMachine(m, found);
      }).map((a) => ({ id: a.id, hostname: a.hostname })),
    });
  }
  return targets;
}

export const machineNames = (targets: readonly MachineTarget[]) => targets.map((t) => describeMachine(t.machine)).join(', ');
