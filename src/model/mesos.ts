/**
 * Mesos master/agent JSON shapes used by stateful-ops
 * (../shared/reference/mesos-dcos/README.md §f). Unknown fields are kept by validation.
 */

export interface MesosLabel {
  key: string;
  value?: string;
}

export interface MesosReservationInfo {
  type?: 'STATIC' | 'DYNAMIC' | string;
  role?: string;
  principal?: string;
  labels?: { labels?: MesosLabel[] };
}

export interface MesosDiskInfo {
  persistence?: { id: string; principal?: string };
  volume?: { mode?: string; container_path?: string };
  source?: {
    type?: 'PATH' | 'MOUNT' | 'BLOCK' | 'RAW' | string;
    id?: string;
    mount?: { root?: string };
    path?: { root?: string };
  };
}

/** A Resource in the "endpoint" format of the *_full fields. */
export interface MesosResource {
  name: string;
  type?: string;
  scalar?: { value: number };
  ranges?: { range: { begin: number; end: number }[] };
  /** Deprecated; absent for refined reservations. */
  role?: string;
  reservation?: { principal?: string; labels?: { labels?: MesosLabel[] } };
  reservations?: MesosReservationInfo[];
  disk?: MesosDiskInfo;
  /** `{}` on a shared persistent volume; DESTROY clears it. */
  shared?: Record<string, never>;
  allocation_info?: { role?: string };
  [key: string]: unknown;
}

/** One entry of the master's /slaves `slaves` array. */
export interface MesosAgent {
  id: string;
  hostname: string;
  port?: number;
  pid?: string;
  active?: boolean;
  deactivated?: boolean;
  version?: string;
  attributes?: Record<string, unknown>;
  registered_time?: number;
  reregistered_time?: number;
  reserved_resources_full?: Record<string, MesosResource[]>;
  used_resources_full?: MesosResource[];
  unreserved_resources_full?: MesosResource[];
  [key: string]: unknown;
}

export interface MesosSlaves {
  slaves: MesosAgent[];
  recovered_slaves?: MesosAgent[];
}

export interface MesosFramework {
  id: string;
  name?: string;
  checkpoint?: boolean;
  role?: string;
  roles?: string[];
  active?: boolean;
  /** `PARTITION_AWARE`, `MULTI_ROLE`…; only some Mesos versions list them. */
  capabilities?: string[];
  /** Master /state: the framework's active tasks (with `slave_id`). */
  tasks?: MesosTaskSummary[];
  [key: string]: unknown;
}

export interface MesosTaskSummary {
  id: string;
  name?: string;
  framework_id?: string;
  slave_id?: string;
  state?: string;
  [key: string]: unknown;
}

/** maintenance.proto `MachineID` (JSON form): both must match what the agent advertised to the master. */
export interface MachineId {
  hostname?: string;
  ip?: string;
}

/** maintenance.proto `Window`: int64 nanoseconds are JSON numbers. */
export interface MaintenanceWindow {
  machine_ids: MachineId[];
  unavailability: { start: { nanoseconds: number }; duration?: { nanoseconds: number } };
}

export interface MaintenanceSchedule {
  windows?: MaintenanceWindow[];
}

/** maintenance.proto `ClusterStatus`. */
export interface MaintenanceStatus {
  draining_machines?: {
    id: MachineId;
    statuses?: { status: 'UNKNOWN' | 'ACCEPT' | 'DECLINE' | string; framework_id: { value: string }; timestamp: { nanoseconds: number } }[];
  }[];
  down_machines?: MachineId[];
}

export interface MesosMasterState {
  version?: string;
  leader?: string;
  flags?: Record<string, string>;
  frameworks?: MesosFramework[];
  completed_frameworks?: MesosFramework[];
  slaves?: MesosAgent[];
  [key: string]: unknown;
}

export interface MesosExecutorState {
  id: string;
  container?: string;
  resources?: unknown;
  tasks?: { id: string; state?: string; resources?: unknown }[];
  [key: string]: unknown;
}

export interface MesosAgentState {
  id?: string;
  hostname?: string;
  flags?: Record<string, string>;
  reserved_resources_full?: Record<string, MesosResource[]>;
  frameworks?: {
    id: string;
    checkpoint?: boolean;
    executors?: MesosExecutorState[];
    [key: string]: unknown;
  }[];
  [key: string]: unknown;
}

/** /flags: every value is a string. */
export type MesosFlags = Record<string, string>;

/**
 * The v1 operator API calls stateful-ops sends (POST <mesos>/api/v1, ../shared/reference/mesos-dcos/README.md §g).
 * Resources go in the "endpoint" format they were read in from `reserved_resources_full`.
 */
export type MesosOperatorCall =
  | { type: 'DESTROY_VOLUMES'; destroy_volumes: { agent_id: { value: string }; volumes: MesosResource[] } }
  | { type: 'UNRESERVE_RESOURCES'; unreserve_resources: { agent_id: { value: string }; resources: MesosResource[] } };
