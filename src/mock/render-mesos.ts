import { agentFlags } from './agent-config.js';
import type { Json } from './render-marathon.js';
import type { MockAgent, MockFramework, MockReservation, MockReservedVolume, MockState, MockTask } from './types.js';

/**
 * Mesos master and agent JSON (../shared/reference/mesos-dcos/README.md §f), in the "endpoint" resource
 * format of master-slaves-with-persistent-volume.json. Built per agent so big clusters can be streamed.
 */

export interface ClusterIndex {
  reservationsByAgent: Map<string, MockReservation[]>;
  tasksByAgent: Map<string, MockTask[]>;
  /** Reservation labels of running tasks: their reservations are also "used". */
  runningLabels: Set<string>;
  appById: Map<string, MockState['apps'][number]>;
  /** Each agent's resources, computed once per revision of the state (with and without the *_full JSON). */
  resources: Map<string, AgentResources>;
}

/** The index of one revision of the state: every read between two changes shares it. */
const indexes = new WeakMap<MockState, { revision: number; index: ClusterIndex }>();

export function indexCluster(state: MockState): ClusterIndex {
  const cached = indexes.get(state);
  if (cached && cached.revision === state.revision) return cached.index;
  const index = buildIndex(state);
  indexes.set(state, { revision: state.revision, index });
  return index;
}

function buildIndex(state: MockState): ClusterIndex {
  const reservationsByAgent = new Map<string, MockReservation[]>();
  for (const r of state.reservations) push(reservationsByAgent, r.agentId, r);
  const tasksByAgent = new Map<string, MockTask[]>();
  const runningLabels = new Set<string>();
  for (const t of state.tasks) {
    push(tasksByAgent, t.agentId, t);
    if (t.kind === 'running' && t.reservationLabel) runningLabels.add(`${t.agentId}\u0000${t.reservationLabel}`);
  }
  return { reservationsByAgent, tasksByAgent, runningLabels, appById: new Map(state.apps.map((a) => [a.id, a])), resources: new Map() };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const PORT_RANGES = [
  [1025, 2180],
  [2182, 3887],
  [3889, 5049],
  [5052, 8079],
  [8082, 8180],
  [8182, 32000],
] as const;
const PORTS_TEXT = `[${PORT_RANGES.map(([b, e]) => `${b}-${e}`).join(', ')}]`;

const taskLabelOf = (r: MockReservation) => r.labels.find((l) => l.key === 'marathon_task_id')?.value ?? '';

export function reservedResources(r: MockReservation, used: boolean): Json[] {
  const labels = { labels: r.labels.map((l) => ({ key: l.key, value: l.value })) };
  const common = (name: string, value: number): Json => {
    const resource: Json = { name, type: 'SCALAR', scalar: { value }, role: r.role };
    if (used) resource.allocation_info = { role: r.role };
    resource.reservation = { principal: r.principal, labels };
    resource.reservations = [{ type: 'DYNAMIC', role: r.role, principal: r.principal, labels }];
    return resource;
  };
  const sourceJson = (source: MockReservedVolume['source']): Json | undefined =>
    source?.type === 'MOUNT' ? { type: 'MOUNT', mount: { root: source.root } } : source?.type === 'PATH' ? { type: 'PATH', path: { root: source.root } } : undefined;
  // A partial UNRESERVE can leave a reservation without cpus or mem.
  const out = [...(r.cpus > 0 ? [common('cpus', r.cpus)] : []), ...(r.mem > 0 ? [common('mem', r.mem)] : [])];
  for (const v of r.volumes) {
    const disk = common('disk', v.sizeMb);
    const info: Json = {
      persistence: { id: v.persistenceId, principal: r.principal },
      volume: { mode: 'RW', container_path: v.containerPath },
    };
    const source = sourceJson(v.source);
    if (source) info.source = source;
    disk.disk = info;
    if (v.shared) disk.shared = {};
    out.push(disk);
  }
  for (const d of r.plainDisks ?? []) {
    const disk = common('disk', d.sizeMb);
    const source = sourceJson(d.source);
    if (source) disk.disk = { source };
    out.push(disk);
  }
  return out;
}

interface Totals {
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
}
const zero = (): Totals => ({ disk: 0, mem: 0, gpus: 0, cpus: 0 });
const round = (t: Totals): Totals => ({
  disk: Math.round(t.disk * 1000) / 1000,
  mem: Math.round(t.mem * 1000) / 1000,
  gpus: 0,
  cpus: Math.round(t.cpus * 1000) / 1000,
});

interface AgentResources {
  /** Only when asked for (`full`): the per-resource JSON is most of the cost of a big /slaves. */
  reservedFull: Record<string, Json[]>;
  usedFull: Json[];
  reserved: Record<string, Totals>;
  used: Totals;
  unreserved: Totals;
}

function agentResources(state: MockState, agent: MockAgent, index: ClusterIndex, full: boolean): AgentResources {
  const key = `${full ? 'full' : 'summary'}\u0000${agent.id}`;
  let resources = index.resources.get(key);
  if (!resources) index.resources.set(key, (resources = computeAgentResources(agent, index, full)));
  return resources;
}

function computeAgentResources(agent: MockAgent, index: ClusterIndex, full: boolean): AgentResources {
  const reservedFull: Record<string, Json[]> = {};
  const usedFull: Json[] = [];
  const reserved: Record<string, Totals> = {};
  const used = zero();
  const reservedTotal = zero();
  for (const r of index.reservationsByAgent.get(agent.id) ?? []) {
    const inUse = index.runningLabels.has(`${agent.id}\u0000${taskLabelOf(r)}`);
    if (full) (reservedFull[r.role] ??= []).push(...reservedResources(r, false));
    const sum = (reserved[r.role] ??= zero());
    let disk = 0;
    for (const v of r.volumes) if (!v.source) disk += v.sizeMb;
    for (const d of r.plainDisks ?? []) if (!d.source) disk += d.sizeMb;
    sum.cpus += r.cpus;
    sum.mem += r.mem;
    sum.disk += disk;
    reservedTotal.cpus += r.cpus;
    reservedTotal.mem += r.mem;
    reservedTotal.disk += disk;
    if (inUse) {
      if (full) usedFull.push(...reservedResources(r, true));
      used.cpus += r.cpus;
      used.mem += r.mem;
      used.disk += disk;
    }
  }
  // Stateless Marathon tasks run on unreserved resources allocated to Marathon's role.
  for (const t of index.tasksByAgent.get(agent.id) ?? []) {
    if (t.kind !== 'running' || t.reservationLabel) continue;
    const app = index.appById.get(t.appId);
    if (!app) continue;
    if (full) {
      for (const [name, value] of [['cpus', app.cpus], ['mem', app.mem]] as const) {
        usedFull.push({ name, type: 'SCALAR', scalar: { value }, role: '*', allocation_info: { role: t.role } });
      }
    }
    used.cpus += app.cpus;
    used.mem += app.mem;
  }
  const unreserved = {
    cpus: agent.resources.cpus - reservedTotal.cpus,
    mem: agent.resources.mem - reservedTotal.mem,
    disk: agent.resources.disk - reservedTotal.disk,
    gpus: 0,
  };
  const roundedReserved: Record<string, Totals> = {};
  for (const [role, t] of Object.entries(reserved)) roundedReserved[role] = round(t);
  return { reservedFull, usedFull, reserved: roundedReserved, used: round(used), unreserved: round(unreserved) };
}

function unreservedFull(t: Totals): Json[] {
  return [
    { name: 'cpus', type: 'SCALAR', scalar: { value: t.cpus }, role: '*' },
    { name: 'mem', type: 'SCALAR', scalar: { value: t.mem }, role: '*' },
    { name: 'disk', type: 'SCALAR', scalar: { value: t.disk }, role: '*' },
    { name: 'ports', type: 'RANGES', ranges: { range: PORT_RANGES.map(([begin, end]) => ({ begin, end })) }, role: '*' },
  ];
}

const CAPABILITIES = ['HIERARCHICAL_ROLE', 'MULTI_ROLE', 'RESERVATION_REFINEMENT', 'RESOURCE_PROVIDER', 'RESIZE_VOLUME', 'AGENT_OPERATION_FEEDBACK', 'AGENT_DRAINING', 'TASK_RESOURCE_LIMITS'];

/** The agent pid: `slave(1)@<agent host>:<port>`, where the mock also answers /flags and /state for it. */
export function agentPid(agent: MockAgent, port: number): string {
  return `slave(1)@${agent.hostname}:${port}`;
}

/**
 * Whether this master writes the `*_full` resource fields into `/slaves`: they came with Mesos 0.28 (an
 * 0.27 master lists only the per-role summaries). A test sets `mesosVersion` to see an older master.
 */
export function writesFullResources(mesosVersion: string): boolean {
  const [major = 0, minor = 0] = mesosVersion.split('.').map(Number);
  return major > 0 || minor >= 28;
}

/** One element of master `/slaves` `slaves` (full = with the *_full fields; master /state has none). */
export function renderMasterAgent(state: MockState, agent: MockAgent, index: ClusterIndex, port: number, full: boolean): Json {
  const withFull = full && writesFullResources(state.mesosVersion);
  const res = agentResources(state, agent, index, withFull);
  const out: Json = {
    id: agent.id,
    hostname: agent.hostname,
    port,
    attributes: agent.attributes,
    pid: agentPid(agent, port),
    registered_time: agent.registeredTime,
    // Every agent re-registered once, after the last master failover; a restarted one again when it came back.
    reregistered_time: isRestarting(agent) ? (agent.restart as { before: number }).before : (agent.reregisteredTime ?? agent.registeredTime + 200),
    resources: { ...agent.resources, gpus: 0, ports: PORTS_TEXT },
    used_resources: res.used,
    offered_resources: zero(),
    reserved_resources: res.reserved,
    unreserved_resources: { ...res.unreserved, ports: PORTS_TEXT },
    // A restarting agent stays listed, disconnected, until it re-registers.
    active: !isRestarting(agent),
    deactivated: false,
    version: state.mesosVersion,
    capabilities: CAPABILITIES,
  };
  if (withFull) {
    out.reserved_resources_full = res.reservedFull;
    out.unreserved_resources_full = unreservedFull(res.unreserved);
    out.used_resources_full = res.usedFull;
    out.offered_resources_full = [];
  }
  return out;
}

/** While the agent process restarts: not re-registered yet, or never (it exited, or cannot reach the master). */
export function isRestarting(agent: MockAgent, now = Date.now()): boolean {
  const r = agent.restart;
  return r !== undefined && (r.reregisterAt === null || now < r.reregisterAt);
}

/** Agents the master lists: lost agents and those of DOWN machines were removed and appear nowhere. */
export function listedAgents(state: MockState): MockAgent[] {
  return state.agents.filter(isRegistered);
}

export function isRegistered(agent: MockAgent): boolean {
  return !agent.lost && agent.down !== true;
}

function frameworkJson(state: MockState, host: string): Json {
  return {
    id: state.frameworkId,
    name: 'marathon',
    pid: `scheduler-5d3c0b2e-8f3a-4c8e-9d1f-1a2b3c4d5e6f@${host}:15101`,
    user: 'root',
    hostname: host,
    webui_url: `http://${host}:8080`,
    principal: state.principal,
    role: state.mesosRole,
    roles: [state.mesosRole],
    checkpoint: state.marathonCheckpoint ?? true,
    failover_timeout: 604800,
    active: true,
    connected: true,
    capabilities: ['PARTITION_AWARE', 'MULTI_ROLE'],
  };
}

function taskJson(state: MockState, task: MockTask, index: ClusterIndex): Json {
  const app = index.appById.get(task.appId);
  return {
    id: task.id,
    name: task.appId.slice(1).split('/').reverse().join('.'),
    framework_id: state.frameworkId,
    executor_id: '',
    slave_id: task.agentId,
    state: task.kind === 'running' ? 'TASK_RUNNING' : 'TASK_UNREACHABLE',
    resources: { cpus: app?.cpus ?? 0, mem: app?.mem ?? 0, disk: 0, gpus: 0 },
    role: task.role,
  };
}

/** A framework other than Marathon (FrameworkInfo as the master reports it). */
function otherFrameworkJson(fw: MockFramework, host: string): Json {
  return {
    id: fw.id,
    name: fw.name,
    pid: `scheduler-${fw.id.slice(-4)}@${host}:15201`,
    user: 'root',
    hostname: host,
    principal: fw.name,
    role: '*',
    roles: ['*'],
    checkpoint: fw.checkpoint,
    failover_timeout: 0,
    active: true,
    connected: true,
    capabilities: fw.partitionAware ? ['PARTITION_AWARE'] : [],
  };
}

function otherTaskJson(fw: MockFramework, t: MockFramework['tasks'][number]): Json {
  return {
    id: t.id,
    name: t.name,
    framework_id: fw.id,
    executor_id: '',
    slave_id: t.agentId,
    state: 'TASK_RUNNING',
    resources: { cpus: t.cpus, mem: t.mem, disk: 0, gpus: 0 },
    role: '*',
  };
}

/** Master `/state`: agents without *_full (no persistence ids here), frameworks with `checkpoint`, flags. */
export function renderMasterState(state: MockState, index: ClusterIndex, port: number): Json {
  const host = '127.0.0.1';
  const listed = listedAgents(state);
  const listedIds = new Set(listed.map((a) => a.id));
  const framework = frameworkJson(state, host);
  framework.tasks = state.tasks.filter((t) => t.kind === 'running' && listedIds.has(t.agentId)).map((t) => taskJson(state, t, index));
  framework.unreachable_tasks = state.tasks.filter((t) => t.kind === 'unreachable').map((t) => taskJson(state, t, index));
  framework.completed_tasks = [];
  framework.executors = [];
  const others = (state.otherFrameworks ?? []).map((fw) => ({
    ...otherFrameworkJson(fw, host),
    tasks: fw.tasks.filter((t) => listedIds.has(t.agentId)).map((t) => otherTaskJson(fw, t)),
    unreachable_tasks: [],
    completed_tasks: [],
    executors: [],
  }));
  return {
    version: state.mesosVersion,
    git_sha: 'd4678d33a3a1b4d8b9b2b7c1e0f7d8c6c1b8a9f0',
    id: state.frameworkId.replace(/-\d+$/, ''),
    pid: `master@${host}:${port}`,
    hostname: host,
    leader: `master@${host}:${port}`,
    leader_info: { id: state.frameworkId.replace(/-\d+$/, ''), pid: `master@${host}:${port}`, port, hostname: host },
    activated_slaves: listed.length,
    deactivated_slaves: 0,
    unreachable_slaves: 0,
    flags: state.masterFlags,
    slaves: listed.map((a) => renderMasterAgent(state, a, index, port, false)),
    frameworks: [framework, ...others],
    completed_frameworks: [],
    orphan_tasks: [],
    unregistered_frameworks: [],
  };
}

/** An agent's own `/state`: what it has checkpointed, including reserved_resources_full and its flags. */
export function renderAgentState(state: MockState, agent: MockAgent, index: ClusterIndex, port: number): Json {
  const res = agentResources(state, agent, index, true);
  const running = (index.tasksByAgent.get(agent.id) ?? []).filter((t) => t.kind === 'running');
  const frameworks: Json[] =
    running.length === 0
      ? []
      : [
          {
            ...frameworkJson(state, '127.0.0.1'),
            executors: running.map((t) => ({
              id: t.id,
              name: `Command Executor (Task: ${t.id})`,
              source: t.id,
              container: t.localVolumes[0]?.uuid ?? t.id,
              directory: `${agent.env.MESOS_WORK_DIR ?? ''}/slaves/${agent.id}/frameworks/${state.frameworkId}/executors/${t.id}/runs/latest`,
              tasks: [taskJson(state, t, index)],
              queued_tasks: [],
              completed_tasks: [],
            })),
            completed_executors: [],
          },
        ];
  for (const fw of state.otherFrameworks ?? []) {
    const here = fw.tasks.filter((t) => t.agentId === agent.id);
    if (here.length === 0) continue;
    frameworks.push({
      ...otherFrameworkJson(fw, '127.0.0.1'),
      executors: here.map((t) => ({
        id: t.id,
        name: `Command Executor (Task: ${t.id})`,
        source: t.id,
        container: t.id,
        directory: `${agent.env.MESOS_WORK_DIR ?? ''}/slaves/${agent.id}/frameworks/${fw.id}/executors/${t.id}/runs/latest`,
        tasks: [otherTaskJson(fw, t)],
        queued_tasks: [],
        completed_tasks: [],
      })),
      completed_executors: [],
    });
  }
  return {
    version: state.mesosVersion,
    id: agent.id,
    pid: agentPid(agent, port),
    hostname: agent.hostname,
    capabilities: CAPABILITIES,
    resources: { ...agent.resources, gpus: 0, ports: PORTS_TEXT },
    reserved_resources: res.reserved,
    unreserved_resources: { ...res.unreserved, ports: PORTS_TEXT },
    reserved_resources_full: res.reservedFull,
    unreserved_resources_full: unreservedFull(res.unreserved),
    attributes: agent.attributes,
    master_hostname: '127.0.0.1',
    flags: agentFlags(agent, port),
    frameworks,
    completed_frameworks: [],
  };
}

/**
 * Master `/state-summary` (what `dcos node list` reads): agents with resource summaries and task counts,
 * frameworks with counts; no tasks, no *_full — small even on big clusters.
 */
export function renderStateSummary(state: MockState, index: ClusterIndex, port: number): Json {
  const host = '127.0.0.1';
  const counts = (tasks: MockTask[]) => ({
    TASK_STAGING: 0,
    TASK_STARTING: 0,
    TASK_RUNNING: tasks.filter((t) => t.kind === 'running').length,
    TASK_KILLING: 0,
    TASK_FINISHED: 0,
    TASK_KILLED: 0,
    TASK_FAILED: 0,
    TASK_LOST: 0,
    TASK_ERROR: 0,
    TASK_UNREACHABLE: 0,
  });
  const listed = listedAgents(state);
  const listedIds = new Set(listed.map((a) => a.id));
  return {
    hostname: host,
    cluster: 'stateful-ops-mock',
    slaves: listed.map((a) => ({
      ...renderMasterAgent(state, a, index, port, false),
      ...counts(index.tasksByAgent.get(a.id) ?? []),
      framework_ids: (index.tasksByAgent.get(a.id) ?? []).some((t) => t.kind === 'running') ? [state.frameworkId] : [],
    })),
    frameworks: [
      {
        ...frameworkJson(state, host),
        ...counts(state.tasks.filter((t) => listedIds.has(t.agentId))),
        slave_ids: listed.filter((a) => (index.tasksByAgent.get(a.id) ?? []).some((t) => t.kind === 'running')).map((a) => a.id),
      },
    ],
  };
}
