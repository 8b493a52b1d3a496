/**
 * Marathon REST shapes, as the client sees them after validation.
 * Field presence differs per Marathon version (see ../shared/reference/marathon/README.md §a, §b):
 * optional here means "absent in some version", `null` is accepted where some version sends it.
 */

/** 1.1–1.3 send only containerPath + persistenceId; 1.4+ add runSpecId and uuid. */
export interface MarathonLocalVolume {
  containerPath: string;
  persistenceId: string;
  runSpecId?: string;
  uuid?: string;
}

export interface MarathonIpAddress {
  ipAddress: string;
  protocol?: string;
}

/** A pod instance of `GET /v2/pods/::status` (1.6+ pods hold persistent volumes). */
export interface MarathonPodInstance {
  id: string;
  /** The persistence ids of its `localVolumes`. */
  persistenceIds: string[];
}

export interface MarathonTask {
  id: string;
  appId?: string;
  host?: string;
  slaveId?: string | null;
  /** Absent in 1.1.1; TASK_STAGING for waiting tasks up to 1.7; last terminal state from 1.8. */
  state?: string;
  stagedAt?: string | null;
  startedAt?: string | null;
  version?: string;
  ports?: number[];
  servicePorts?: number[];
  ipAddresses?: MarathonIpAddress[];
  localVolumes?: MarathonLocalVolume[];
  /** 1.9+: the role the instance's resources are reserved for. */
  role?: string;
  healthCheckResults?: unknown[];
}

export interface MarathonPersistentVolumeInfo {
  size?: number;
  type?: 'root' | 'path' | 'mount';
  maxSize?: number;
  constraints?: string[][];
  profileName?: string;
}

export interface MarathonAppVolume {
  containerPath?: string;
  hostPath?: string;
  mode?: string;
  persistent?: MarathonPersistentVolumeInfo;
  external?: unknown;
  name?: string;
}

export interface MarathonUpgradeStrategy {
  minimumHealthCapacity?: number;
  maximumOverCapacity?: number;
}

export interface MarathonApp {
  id: string;
  instances?: number;
  cpus?: number;
  mem?: number;
  disk?: number;
  gpus?: number;
  role?: string;
  acceptedResourceRoles?: string[] | null;
  container?: {
    type?: string;
    volumes?: MarathonAppVolume[];
    [key: string]: unknown;
  } | null;
  residency?: { relaunchEscalationTimeoutSeconds?: number; taskLostBehavior?: string } | null;
  upgradeStrategy?: MarathonUpgradeStrategy;
  unreachableStrategy?: unknown;
  portDefinitions?: unknown[];
  requirePorts?: boolean;
  version?: string;
  tasks?: MarathonTask[];
  tasksRunning?: number;
  tasksStaged?: number;
  [key: string]: unknown;
}

export interface MarathonInfo {
  name?: string;
  version: string;
  buildref?: string;
  elected?: boolean;
  leader?: string | null;
  frameworkId?: string | null;
  marathon_config: {
    checkpoint?: boolean;
    mesos_role?: string | null;
    framework_name?: string;
    task_reservation_timeout?: number;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A deployment in progress (GET /v2/deployments); only what tells which apps it touches. */
export interface MarathonDeployment {
  id: string;
  /** Every app the deployment changes (all versions). */
  affectedApps: string[];
  /** Apps of the steps still running (`currentActions[].app`; 1.4+ also `pod`). */
  currentApps: string[];
}

/** Options shared by the kill/wipe endpoints (§c). `scale` and `wipe` are mutually exclusive upstream. */
export interface KillOptions {
  wipe?: boolean;
  scale?: boolean;
  force?: boolean;
}

export interface KillResult {
  /** HTTP status Marathon answered. Informative only: success is judged by re-reading. */
  status: number;
  body: unknown;
}
