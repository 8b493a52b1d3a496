import type { KillOptions, KillResult, MarathonApp, MarathonDeployment, MarathonInfo, MarathonPodInstance, MarathonTask } from '../model/marathon.js';
import type { MachineId, MaintenanceSchedule, MaintenanceStatus, MesosAgentState, MesosFlags, MesosMasterState, MesosOperatorCall, MesosSlaves } from '../model/mesos.js';

/** The Marathon operations stateful-ops uses. One implementation talks HTTP; tests may use the mock server. */
export interface MarathonApi {
  readonly baseUrl: string;
  info(): Promise<MarathonInfo>;
  /**
   * GET /v2/tasks — every task of every app, one request. `statefulOnly` streams the answer and keeps only
   * tasks with local volumes, without the fields no command reads (ipAddresses, ports, health results),
   * and of those only the ones `keep` wants (it sees a task before its fields' types are checked).
   */
  tasks(options?: { statefulOnly?: boolean; keep?: (task: MarathonTask) => boolean }): Promise<MarathonTask[]>;
  /** GET /v2/apps/{id}/tasks */
  appTasks(appId: string): Promise<MarathonTask[]>;
  /** GET /v2/apps/{id} (tasks embedded by default upstream) */
  app(appId: string): Promise<MarathonApp>;
  /** GET /v2/apps (optionally embedding tasks) */
  apps(options?: { embedTasks?: boolean }): Promise<MarathonApp[]>;
  /**
   * GET /v2/pods/::status — the id of every pod instance. Pods hold reservations too (persistent volumes
   * from 1.6); Marathon before 1.4 has no such endpoint.
   */
  podInstances(): Promise<MarathonPodInstance[]>;
  /** GET /v2/deployments — the deployments in progress. */
  deployments(): Promise<MarathonDeployment[]>;
  /** DELETE /v2/apps/{appId}/tasks/{taskId}?wipe=… — never the app-wide variant. */
  killTask(appId: string, taskId: string, options: KillOptions): Promise<KillResult>;
  /** POST /v2/tasks/delete?wipe=… with explicit ids. */
  killTasks(taskIds: string[], options: KillOptions): Promise<KillResult>;
}

/** The Mesos operations stateful-ops uses. */
export interface MesosApi {
  readonly baseUrl: string;
  /**
   * GET <mesos>/slaves (the only endpoint with reserved_resources_full); with agent ids, only those
   * agents (`?slave_id=`, concurrently) — an agent the master does not list is simply absent.
   */
  slaves(agentIds?: readonly string[]): Promise<MesosSlaves>;
  /** GET <mesos>/master/state-summary: every agent (id, hostname, pid, active) without reservations. Small. */
  agents(): Promise<MesosSlaves>;
  /** GET <mesos>/master/state */
  masterState(): Promise<MesosMasterState>;
  /** GET <mesos>/master/flags */
  masterFlags(): Promise<MesosFlags>;
  /** GET /agent/<id>/flags (Admin Router) or http://<pid host:port>/flags (plain Mesos). */
  agentFlags(agentId: string): Promise<MesosFlags>;
  /** GET /agent/<id>/state or http://<pid host:port>/state */
  agentState(agentId: string): Promise<MesosAgentState>;
  /** Where operator calls go: `<mesos>/api/v1`. */
  readonly operatorUrl: string;
  /**
   * POST one operator call. 202 only means the master validated and forwarded it: confirm by re-reading
   * /slaves. Never retried (a second DESTROY/UNRESERVE would act on something else or fail).
   */
  operatorCall(call: MesosOperatorCall): Promise<{ status: number }>;
  /** GET <mesos>/master/maintenance/schedule */
  maintenanceSchedule(): Promise<MaintenanceSchedule>;
  /** POST <mesos>/master/maintenance/schedule: replaces the whole schedule (machines left out go back UP). */
  updateMaintenanceSchedule(schedule: MaintenanceSchedule): Promise<void>;
  /** GET <mesos>/master/maintenance/status */
  maintenanceStatus(): Promise<MaintenanceStatus>;
  /** POST <mesos>/master/machine/down or /up with a JSON array of MachineIDs. Never retried. */
  machines(verb: 'down' | 'up', ids: MachineId[]): Promise<void>;
}
