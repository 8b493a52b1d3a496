import { effectiveEnv } from './agent-config.js';
import { formatTaskId, persistenceIdFor, reservationLabelFor } from './ids.js';
import type { MarathonFlavour, MockAgent, MockApp, MockReservation, MockState, MockTask, MockVolumeSource, TaskKind } from './types.js';

/** Shared by the scenarios and by mutations that launch fresh instances. */

export const DEFAULT_FRAMEWORK_ID = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-0001';
export const MARATHON_PRINCIPAL = 'dcos_marathon';
export const DCOS_MESOS_ROLE = 'slave_public';

export function emptyState(scenario: string, flavour: MarathonFlavour): MockState {
  return {
    schema: 1,
    revision: 1,
    scenario,
    flavour,
    dcosVersion: '2.2.5',
    mesosVersion: '1.11.0',
    frameworkId: DEFAULT_FRAMEWORK_ID,
    mesosRole: DCOS_MESOS_ROLE,
    principal: MARATHON_PRINCIPAL,
    leaderPresent: true,
    auth: { required: false, serviceAccounts: [] },
    agents: [],
    apps: [],
    tasks: [],
    reservations: [],
    deployments: [],
    masterFlags: dcosMasterFlags(),
    sequence: 1,
    sandboxData: true,
  };
}

/** A DC/OS master's /flags (values are strings; DC/OS sets the alias max_slave_ping_timeouts=20). */
export function dcosMasterFlags(): Record<string, string> {
  return {
    agent_ping_timeout: '15secs',
    agent_reregister_timeout: '10mins',
    allocation_interval: '1secs',
    authenticate_agents: 'false',
    authenticate_frameworks: 'false',
    cluster: 'stateful-ops-mock',
    hostname_lookup: 'false',
    max_completed_frameworks: '50',
    max_slave_ping_timeouts: '20',
    offer_timeout: '2mins',
    port: '5050',
    quorum: '1',
    recovery_agent_removal_limit: '100%',
    registry: 'replicated_log',
    registry_strict: 'false',
    roles: 'slave_public',
    weights: 'slave_public=1',
    work_dir: '/var/lib/dcos/mesos/master',
    zk: 'zk://zk-1.zk:2181,zk-2.zk:2181,zk-3.zk:2181,zk-4.zk:2181,zk-5.zk:2181/mesos',
  };
}

export interface AgentSpec {
  id: string;
  hostname: string;
  lost?: boolean;
  public?: boolean;
  operatorOverrides?: Record<string, string>;
  configFiles?: Record<string, string>;
  commandLineFlags?: Record<string, string>;
  mountRoots?: string[];
  registeredTime: number;
}

export function newAgent(spec: AgentSpec): MockAgent {
  const isPublic = spec.public ?? false;
  const agent: MockAgent = {
    id: spec.id,
    hostname: spec.hostname,
    lost: spec.lost ?? false,
    public: isPublic,
    attributes: isPublic ? { public_ip: 'true' } : {},
    resources: { cpus: 4, mem: 14861, disk: 39260 },
    registeredTime: spec.registeredTime,
    env: effectiveEnv(isPublic, spec.operatorOverrides, spec.mountRoots ?? []),
  };
  if (spec.operatorOverrides) agent.operatorOverrides = spec.operatorOverrides;
  if (spec.configFiles) agent.configFiles = spec.configFiles;
  if (spec.commandLineFlags) agent.commandLineFlags = spec.commandLineFlags;
  return agent;
}

export interface TaskSpec {
  app: MockApp;
  agent: MockAgent;
  kind: TaskKind;
  /** The task's UUID; one more UUID per volume comes from `volumeUuids`. */
  uuid: string;
  volumeUuids: string[];
  incarnation: number;
  stagedAt: string;
  startedAt: string | null;
  ports: number[];
  ipAddresses: string[];
  /** Last Mesos state for waiting tasks (what 1.8+ shows). */
  lastState?: string;
  mountRoot?: string;
}

/** Add a task and, for a resident app, the reservation Marathon made for it on the agent. */
export function addTask(state: MockState, spec: TaskSpec): MockTask {
  const { app, agent } = spec;
  const resident = app.volumes.length > 0;
  const localVolumes = app.volumes.map((v, i) => {
    const uuid = spec.volumeUuids[i] ?? spec.uuid;
    return { containerPath: v.containerPath, persistenceId: persistenceIdFor(app.id, v.containerPath, uuid), uuid };
  });
  const mesosState = spec.kind === 'running' ? 'TASK_RUNNING' : spec.kind === 'unreachable' ? 'TASK_UNREACHABLE' : (spec.lastState ?? 'TASK_KILLED');
  const task: MockTask = {
    id: formatTaskId(state.flavour, { appId: app.id, uuid: spec.uuid, resident, incarnation: spec.incarnation }),
    appId: app.id,
    agentId: agent.id,
    kind: spec.kind,
    mesosState,
    stagedAt: spec.stagedAt,
    startedAt: spec.startedAt,
    version: app.version,
    ports: spec.ports,
    ipAddresses: spec.ipAddresses,
    localVolumes,
    role: state.mesosRole,
  };
  if (resident) {
    task.reservationLabel = reservationLabelFor(state.flavour, app.id, spec.uuid);
    state.reservations.push(reservationFor(state, task, app, spec.mountRoot));
  }
  state.tasks.push(task);
  return task;
}

function reservationFor(state: MockState, task: MockTask, app: MockApp, mountRoot?: string): MockReservation {
  return {
    agentId: task.agentId,
    role: task.role,
    principal: state.principal,
    labels: [
      { key: 'marathon_framework_id', value: state.frameworkId },
      { key: 'marathon_task_id', value: task.reservationLabel ?? task.id },
    ],
    cpus: app.cpus,
    mem: app.mem,
    volumes: app.volumes.map((v, i) => {
      const lv = task.localVolumes[i];
      const source: MockVolumeSource | undefined = v.type === 'mount' && mountRoot ? { type: 'MOUNT', root: mountRoot } : undefined;
      return {
        persistenceId: lv?.persistenceId ?? '',
        containerPath: v.containerPath,
        sizeMb: v.sizeMb,
        ...(source ? { source } : {}),
      };
    }),
  };
}

/** The reservation a task holds, found the way Marathon's reconciler does: by agent and label. */
export function reservationIndexOf(state: MockState, task: MockTask): number {
  if (task.reservationLabel === undefined) return -1;
  return state.reservations.findIndex(
    (r) => r.agentId === task.agentId && r.labels.some((l) => l.key === 'marathon_task_id' && l.value === task.reservationLabel),
  );
}
