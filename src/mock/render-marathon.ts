import { safeAppId } from './ids.js';
import type { MarathonFlavour, MockAgent, MockApp, MockState, MockTask } from './types.js';

/**
 * Marathon's JSON per version (../shared/reference/marathon/README.md §a–§c). Field presence and key
 * order follow the reference fixtures v1.1/v1.4/v1.10-app-tasks-waiting.json; 1.1 means 1.1.1 (no `state`).
 */

export type Json = Record<string, unknown>;

export interface TaskRenderOptions {
  /** `/v2/tasks` fills servicePorts from the app; the app endpoints leave them out (≤1.7) or empty (1.8+). */
  servicePorts?: number[];
  /** 1.1's app endpoints use TaskWrites, which has no appId. */
  withAppId: boolean;
}

/** Whether Marathon writes the active-only fields (stagedAt, startedAt, ports, version). */
function isActive(flavour: MarathonFlavour, task: MockTask): boolean {
  if (task.kind === 'running') return true;
  // 1.1 cannot tell a lost resident task from a scaled-down one: both are Reserved.
  return task.kind === 'unreachable' && flavour !== '1.1';
}

function shownState(flavour: MarathonFlavour, task: MockTask): string {
  if (isActive(flavour, task)) return task.kind === 'running' ? 'TASK_RUNNING' : 'TASK_UNREACHABLE';
  return flavour === '1.10' ? task.mesosState : 'TASK_STAGING';
}

const ipObjects = (task: MockTask) => task.ipAddresses.map((ipAddress) => ({ ipAddress, protocol: 'IPv4' }));

function localVolumes(flavour: MarathonFlavour, task: MockTask): Json[] {
  if (flavour === '1.1') return task.localVolumes.map((v) => ({ containerPath: v.containerPath, persistenceId: v.persistenceId }));
  return task.localVolumes.map((v) => ({
    runSpecId: task.appId,
    containerPath: v.containerPath,
    uuid: v.uuid,
    persistenceId: v.persistenceId,
  }));
}

export function renderTask(state: MockState, task: MockTask, agent: MockAgent | undefined, o: TaskRenderOptions): Json {
  const flavour = state.flavour;
  const active = isActive(flavour, task);
  const host = agent?.hostname ?? '';
  const out: Json = {};
  switch (flavour) {
    case '1.1': {
      out.id = task.id;
      out.slaveId = task.agentId;
      out.host = host;
      if (active) {
        out.startedAt = task.startedAt;
        out.stagedAt = task.stagedAt;
        out.ports = task.ports;
        out.version = task.version;
        if (task.ipAddresses.length > 0) out.ipAddresses = ipObjects(task);
      }
      if (task.localVolumes.length > 0) out.localVolumes = localVolumes(flavour, task);
      if (o.withAppId) out.appId = task.appId;
      if (o.servicePorts) out.servicePorts = o.servicePorts;
      return out;
    }
    case '1.4': {
      out.id = task.id;
      out.state = shownState(flavour, task);
      if (active) {
        out.startedAt = task.startedAt;
        out.stagedAt = task.stagedAt;
        out.ports = task.ports;
        out.version = task.version;
      }
      if (task.ipAddresses.length > 0) out.ipAddresses = ipObjects(task);
      if (task.localVolumes.length > 0) out.localVolumes = localVolumes(flavour, task);
      out.appId = task.appId;
      if (o.servicePorts) out.servicePorts = o.servicePorts;
      out.slaveId = task.agentId;
      out.host = host;
      return out;
    }
    case '1.10': {
      out.appId = task.appId;
      out.healthCheckResults = [];
      out.host = host;
      out.id = task.id;
      out.ipAddresses = ipObjects(task);
      out.ports = active ? task.ports : [];
      out.servicePorts = o.servicePorts ?? [];
      out.slaveId = task.agentId;
      out.state = shownState(flavour, task);
      if (active) {
        out.stagedAt = task.stagedAt;
        if (task.startedAt !== null) out.startedAt = task.startedAt;
        out.version = task.version;
      }
      out.localVolumes = localVolumes(flavour, task);
      out.role = task.role;
      return out;
    }
  }
}

/** 1.4–1.5 answer the app kill endpoints with the internal instance JSON, not the task format (§c). */
export function renderInstance14(task: MockTask, agent: MockAgent | undefined): Json {
  const uuid = /\.([0-9a-f-]{36})(\.\d+)?$/.exec(task.id)?.[1] ?? task.id;
  const condition = task.kind === 'running' ? 'Running' : task.kind === 'unreachable' ? 'Unreachable' : 'Reserved';
  return {
    instanceId: { idString: `${safeAppId(task.appId)}.marathon-${uuid}` },
    agentInfo: { host: agent?.hostname ?? '', agentId: task.agentId, attributes: [] },
    tasksMap: {
      [task.id]: {
        taskId: task.id,
        runSpecVersion: task.version,
        status: {
          stagedAt: task.stagedAt,
          startedAt: task.startedAt,
          condition,
          networkInfo: { hostName: agent?.hostname ?? '', hostPorts: task.ports, ipAddresses: ipObjects(task) },
        },
        ...(task.localVolumes.length > 0
          ? { reservation: { volumeIds: task.localVolumes.map((v) => ({ runSpecId: task.appId, containerPath: v.containerPath, uuid: v.uuid })), state: { name: task.kind === 'waiting' ? 'suspended' : 'launched' } } }
          : {}),
      },
    },
    runSpecVersion: task.version,
    state: { condition: { str: condition }, since: task.startedAt ?? task.stagedAt, activeSince: task.startedAt, healthy: null },
    unreachableStrategy: task.localVolumes.length > 0 ? 'disabled' : { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
  };
}

function volumeJson(flavour: MarathonFlavour, app: MockApp): Json[] {
  return app.volumes.map((v) => ({
    containerPath: v.containerPath,
    mode: 'RW',
    persistent: flavour === '1.1' ? { size: v.sizeMb } : { type: v.type, size: v.sizeMb, constraints: [] },
  }));
}

export interface AppRenderOptions {
  tasks?: Json[];
  counts: { staged: number; running: number };
  deploymentIds: string[];
}

function containerJson(flavour: MarathonFlavour, app: MockApp): Json {
  const docker: Json = { image: app.image ?? 'busybox' };
  // 1.10 moved the network to the app's `networks`.
  if (flavour !== '1.10') docker.network = 'HOST';
  Object.assign(docker, { privileged: false, parameters: [], forcePullImage: false });
  return { type: app.containerType ?? 'DOCKER', volumes: volumeJson(flavour, app), docker };
}

const RESIDENCY = { relaunchEscalationTimeoutSeconds: 3600, taskLostBehavior: 'WAIT_FOREVER' };

function appStatus(out: Json, o: AppRenderOptions): Json {
  out.tasksStaged = o.counts.staged;
  out.tasksRunning = o.counts.running;
  out.tasksHealthy = 0;
  out.tasksUnhealthy = 0;
  out.deployments = o.deploymentIds.map((id) => ({ id }));
  if (o.tasks) out.tasks = o.tasks;
  return out;
}

/**
 * 1.8+ write apps through RAML/Jackson (v1.10.26 `raml/AppConversion.scala` appWriter): absent options are left
 * out, never `null`; the deprecated `storeUrls`, `uris`, `ports`, `ipAddress` are not written; residency is
 * written for resident apps.
 */
function renderApp110(state: MockState, app: MockApp, o: AppRenderOptions): Json {
  const resident = app.volumes.length > 0;
  const out: Json = { id: app.id };
  if (app.acceptedResourceRoles && app.acceptedResourceRoles.length > 0) out.acceptedResourceRoles = app.acceptedResourceRoles;
  if (app.args) out.args = app.args;
  Object.assign(out, { backoffFactor: 1.15, backoffSeconds: 1 });
  if (app.cmd !== undefined) out.cmd = app.cmd;
  Object.assign(out, {
    constraints: [],
    container: containerJson('1.10', app),
    cpus: app.cpus,
    dependencies: [],
    disk: app.disk,
    env: app.env ?? {},
    executor: '',
    fetch: [],
    gpus: 0,
    healthChecks: [],
    instances: app.instances,
    labels: app.labels,
    maxLaunchDelaySeconds: 300,
    mem: app.mem,
    networks: [{ mode: 'host' }],
    portDefinitions: app.servicePorts.map((port) => ({ port, name: 'default', protocol: 'tcp' })),
    readinessChecks: [],
  });
  if (resident) out.residency = RESIDENCY;
  Object.assign(out, {
    requirePorts: false,
    secrets: {},
    upgradeStrategy: { maximumOverCapacity: app.upgradeStrategy.maximumOverCapacity, minimumHealthCapacity: app.upgradeStrategy.minimumHealthCapacity },
    version: app.version,
    versionInfo: { lastScalingAt: app.version, lastConfigChangeAt: app.version },
    unreachableStrategy: resident ? 'disabled' : { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
    killSelection: 'YOUNGEST_FIRST',
    role: state.mesosRole,
  });
  return appStatus(out, o);
}

export function renderApp(state: MockState, app: MockApp, o: AppRenderOptions): Json {
  const flavour = state.flavour;
  if (flavour === '1.10') return renderApp110(state, app, o);
  const resident = app.volumes.length > 0;
  const out: Json = {
    id: app.id,
    cmd: app.cmd ?? null,
    args: app.args ?? null,
    user: null,
    env: app.env ?? {},
    instances: app.instances,
    cpus: app.cpus,
    mem: app.mem,
    disk: app.disk,
  };
  if (flavour !== '1.1') out.gpus = 0;
  Object.assign(out, {
    executor: '',
    constraints: [],
    uris: [],
    fetch: [],
    storeUrls: [],
    backoffSeconds: 1,
    backoffFactor: 1.15,
    maxLaunchDelaySeconds: 3600,
    container: containerJson(flavour, app),
    healthChecks: [],
    readinessChecks: [],
    dependencies: [],
    upgradeStrategy: app.upgradeStrategy,
    labels: app.labels,
    acceptedResourceRoles: app.acceptedResourceRoles ?? null,
    portDefinitions: app.servicePorts.map((port) => ({ port, protocol: 'tcp', name: 'default', labels: {} })),
    requirePorts: false,
    version: app.version,
    versionInfo: { lastScalingAt: app.version, lastConfigChangeAt: app.version },
  });
  if (resident) out.residency = RESIDENCY;
  if (flavour !== '1.1') {
    out.unreachableStrategy = resident ? 'disabled' : { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 };
    out.killSelection = 'YOUNGEST_FIRST';
  }
  return appStatus(out, o);
}

const MARATHON_VERSION: Record<MarathonFlavour, string> = { '1.1': '1.1.1', '1.4': '1.4.13', '1.10': '1.10.26' };

export function marathonVersion(flavour: MarathonFlavour): string {
  return MARATHON_VERSION[flavour];
}
