/**
 * The mock cluster's state: Marathon's view (apps, tasks, deployments) and Mesos's view
 * (agents, reservations) kept separately, because the interesting bugs live where they disagree
 * (a task wiped from Marathon whose reservation stays on a lost agent).
 */

/** Which Marathon the mock answers like (../shared/reference/marathon/README.md §a): 1.1 = 1.1.1, 1.4 = 1.4.7+, 1.10 = 1.8+. */
export type MarathonFlavour = '1.1' | '1.4' | '1.10';
export const MARATHON_FLAVOURS: readonly MarathonFlavour[] = ['1.1', '1.4', '1.10'];

export interface MockAgent {
  id: string;
  /** Always a 127.0.0.0/8 address: the mock also listens there for direct (plain Mesos) agent access. */
  hostname: string;
  /** Lost = removed from the master: not listed by /slaves, its endpoints 404, its reservations stay forever. */
  lost: boolean;
  public: boolean;
  attributes: Record<string, string | number | boolean>;
  /** Totals offered by the agent (MB for mem/disk). */
  resources: { cpus: number; mem: number; disk: number };
  registeredTime: number;
  /** Effective `MESOS_*` environment after every EnvironmentFile (§h), the source of /flags. */
  env: Record<string, string>;
  /**
   * The values the running agent got from operator-written files when it last started (for the generated
   * `/var/lib/dcos/mesos-slave-common` when `configFiles` does not write that file itself).
   */
  operatorOverrides?: Record<string, string>;
  /**
   * Files an operator wrote by hand, exactly as they are on the agent's disk now (agent path → text):
   * EnvironmentFiles, unit drop-ins. When they were edited after the agent started, `env` (what /flags
   * reports) still holds the old values: that is a drift.
   */
  configFiles?: Record<string, string>;
  /** Flags on the unit's ExecStart= when the agent started; they beat the environment in /flags. */
  commandLineFlags?: Record<string, string>;
  /** Removed by the master for maintenance (`machine/down`): not listed, endpoints 404, until `machine/up`. */
  down?: boolean;
  /** What its `systemctl --version` reports; absent: 219 (CentOS/RHEL 7, DC/OS's most common base). */
  systemdVersion?: number;
  /**
   * The last `systemctl restart` of its unit (ms since the epoch): until `reregisterAt` the master lists it
   * inactive and its endpoints do not answer; null: it never comes back (`failed`: its process is not running).
   */
  restart?: { at: number; reregisterAt: number | null; failed: boolean; /** The re-registration time shown meanwhile. */ before: number };
  /** When it last re-registered with the master (seconds); absent: after the last master failover. */
  reregisteredTime?: number;
}

export interface MockPersistentVolume {
  containerPath: string;
  sizeMb: number;
  /** Marathon 1.4+ `persistent.type`; `mount` volumes land on a MOUNT disk. */
  type: 'root' | 'path' | 'mount';
}

export interface MockApp {
  id: string;
  instances: number;
  cpus: number;
  mem: number;
  disk: number;
  cmd?: string;
  args?: string[];
  env?: Record<string, string>;
  image?: string;
  /** Absent: DOCKER (the Docker containerizer). */
  containerType?: 'DOCKER' | 'MESOS';
  volumes: MockPersistentVolume[];
  upgradeStrategy: { minimumHealthCapacity: number; maximumOverCapacity: number };
  /** Service ports (portDefinitions / portMappings servicePort), copied into /v2/tasks `servicePorts`. */
  servicePorts: number[];
  acceptedResourceRoles?: string[];
  labels: Record<string, string>;
  version: string;
}

export type TaskKind = 'running' | 'waiting' | 'unreachable';

export interface MockLocalVolume {
  containerPath: string;
  persistenceId: string;
  uuid: string;
}

export interface MockTask {
  /** The id exactly as this Marathon flavour lists it. */
  id: string;
  appId: string;
  agentId: string;
  kind: TaskKind;
  /** Last Mesos state; for waiting tasks in 1.8+ this is the terminal state shown (usually TASK_KILLED). */
  mesosState: string;
  stagedAt: string;
  startedAt: string | null;
  version: string;
  ports: number[];
  /** Kept after the task ends: Marathon shows the stale NetworkInfo of the last run. */
  ipAddresses: string[];
  localVolumes: MockLocalVolume[];
  role: string;
  /** The `marathon_task_id` label of the task's reservation (§g); absent for non-resident tasks. */
  reservationLabel?: string;
  /** Killed by `machine/down`: Marathon relaunches it on its reservation once the agent is back. */
  downForMaintenance?: boolean;
}

export type MockVolumeSource = { type: 'MOUNT'; root: string } | { type: 'PATH'; root: string };

export interface MockReservedVolume {
  persistenceId: string;
  containerPath: string;
  sizeMb: number;
  source?: MockVolumeSource;
  /** A shared persistent volume (`shared: {}`, created by a SHARED_RESOURCES framework or an operator; never by Marathon). */
  shared?: boolean;
}

/** One Marathon reservation as the Mesos master holds it (per agent). */
export interface MockReservation {
  agentId: string;
  role: string;
  principal: string;
  labels: { key: string; value: string }[];
  cpus: number;
  mem: number;
  volumes: MockReservedVolume[];
  /** Reserved disk holding no volume: what a DESTROY leaves until the UNRESERVE. */
  plainDisks?: { sizeMb: number; source?: MockVolumeSource }[];
}

/** A volume directory on an agent's disk that Mesos no longer knows (a pre-1.0 Mesos kept the data on DESTROY). */
export interface MockStrayVolume {
  agentId: string;
  role: string;
  persistenceId: string;
  containerPath: string;
}

export type MockDeploymentActionName = 'StartApplication' | 'StopApplication' | 'ScaleApplication' | 'RestartApplication';

export interface MockDeploymentAction {
  action: MockDeploymentActionName;
  app: string;
}

/** A deployment in progress (Marathon lists only running deployments; a finished one is gone). */
export interface MockDeployment {
  id: string;
  version: string;
  affectedApps: string[];
  /** The plan's steps in order, each a set of actions run in parallel. Absent: one ScaleApplication step per app. */
  steps?: MockDeploymentAction[][];
  /** 1-based index of the step in progress. Absent: the last step. */
  currentStep?: number;
  /**
   * What ends it. `launched` (app writes): every affected app has launched its `instances` — it stays while no agent
   * has room. `held` (startDeployment, scenarios): only finishDeployment or DELETE /v2/deployments/{id}. Absent: held.
   */
  until?: 'launched' | 'held';
  /** `instances` of each affected app before the deployment: what a rollback (DELETE without force) restores. */
  original?: Record<string, number>;
}

export interface MockServiceAccount {
  uid: string;
  publicKeyPem: string;
}

export interface MockAuth {
  required: boolean;
  /** The mock IAM's signing key: issued tokens are RS256 JWTs, like DC/OS's. */
  iamPrivateKeyPem?: string;
  iamPublicKeyPem?: string;
  serviceAccounts: MockServiceAccount[];
}

export interface MockState {
  schema: 1;
  /** Bumped on every mutation; servers use it to invalidate cached renderings. */
  revision: number;
  scenario: string;
  flavour: MarathonFlavour;
  dcosVersion: string;
  mesosVersion: string;
  frameworkId: string;
  mesosRole: string;
  principal: string;
  leaderPresent: boolean;
  auth: MockAuth;
  agents: MockAgent[];
  apps: MockApp[];
  tasks: MockTask[];
  reservations: MockReservation[];
  deployments: MockDeployment[];
  masterFlags: Record<string, string>;
  /** false: Marathon runs with --disable_checkpoint (its framework registered with checkpoint=false). Default true. */
  marathonCheckpoint?: boolean;
  /** Counter for ids, UUIDs, ports and timestamps created by mutations: keeps runs reproducible. */
  sequence: number;
  /** Whether agent sandboxes hold volume data files (skipped for big generated scenarios). */
  sandboxData: boolean;
  /** Orphaned volume data: directories under `<work_dir>/volumes/roles/` with no reservation behind them. */
  strayVolumes?: MockStrayVolume[];
  /** Frameworks other than Marathon, with their (stateless) tasks on the agents. */
  otherFrameworks?: MockFramework[];
  /** The master's maintenance schedule and machine modes (maintenance.proto). */
  maintenance?: MockMaintenance;
}

export interface MockFramework {
  id: string;
  name: string;
  /** FrameworkInfo.checkpoint: its executors survive an agent restart only when true. */
  checkpoint: boolean;
  /** The PARTITION_AWARE capability: its tasks outlive an agent marked unreachable. */
  partitionAware: boolean;
  /** How it answers inverse offers; `ignore`: never answers (no status in /maintenance/status). */
  inverseOffers: 'ACCEPT' | 'DECLINE' | 'ignore';
  tasks: { id: string; name: string; agentId: string; cpus: number; mem: number }[];
}

/** maintenance.proto `MachineID`: both fields must match what the agent advertised. */
export interface MockMachineId {
  hostname?: string;
  ip?: string;
}

export interface MockUnavailability {
  start: { nanoseconds: number };
  duration?: { nanoseconds: number };
}

export interface MockMaintenance {
  /** maintenance.proto `Schedule.windows`, exactly as last POSTed (minus machines brought up). */
  windows: { machine_ids: MockMachineId[]; unavailability: MockUnavailability }[];
  /** Machines in DRAINING or DOWN mode (UP ones are not tracked, like the master's `machines`). */
  machines: { id: MockMachineId; mode: 'DRAINING' | 'DOWN'; since: number }[];
}
