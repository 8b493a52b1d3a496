import type { StatefulTaskView } from './stateful-tasks.js';
import type { VolumeDetail } from './volume-details.js';
import { volumePathMismatch, type VolumeSource } from './volume-path.js';
import { printable } from './mesos-ids.js';
import { remotePathProblem, type RemotePathFacts } from './remote-path.js';

/** A task picked for wiping, with its volumes as the read path resolved them. */
export interface WipeCandidate {
  task: StatefulTaskView;
  volumes: VolumeDetail[];
}

/** What was seen on the agent for one volume path, before anything is touched. */
export type RemoteVolumeFacts = RemotePathFacts;

export interface VolumeWipePlan {
  containerPath: string;
  persistenceId: string;
  hostPath: string;
  /** MOUNT disk: delete the contents, never the mount point itself. */
  isMountRoot: boolean;
  /** On disk at preflight; null when the path was already gone (resume) or data is skipped. */
  bytes: number | null;
  entries: number | null;
  /**
   * Where the agent-side fence starts checking that no path component is a symlink: the agent's
   * work_dir for root-disk volumes, the disk root for MOUNT and PATH volumes.
   */
  fenceBase: string;
  /** `device:inode` of the directory at preflight: the delete refuses if it was replaced since. Null = absent. */
  deviceInode: string | null;
  /** An earlier run deleted it (journal) but entries are there again: the disk wins, it is deleted again. */
  deleteAgain: boolean;
}

/** The exact Marathon request the expunge step sends. */
export interface ExpungeRequest {
  method: 'DELETE';
  path: string;
}

export interface TaskWipePlan {
  app: string;
  task: string;
  agentId: string | null;
  host: string | null;
  state: StatefulTaskView['state'];
  /** Only the expunge: the agent is gone and its data stays on that node's disk. */
  skipData: boolean;
  /** `stagedAt` as Marathon listed it at preflight (null: not launched); a different one later = relaunched. */
  stagedAt: string | null;
  volumes: VolumeWipePlan[];
  expunge: ExpungeRequest;
}

/**
 * - wiped: data deleted and the task expunged; expunged: --skip-data, only the expunge ran
 * - refused: a re-check right before acting said no; nothing was done to this task in this run
 * - skipped: the task disappeared since the plan (someone else expunged it); nothing to do
 * - deleted-not-expunged: the data is deleted, but a re-check before the expunge said no (re-run)
 * - relaunched: the data was deleted, then Marathon relaunched the instance on the emptied volume
 * - failed / interrupted: the step named in `error` failed or was not reached
 */
export type WipeOutcome = 'wiped' | 'expunged' | 'refused' | 'skipped' | 'deleted-not-expunged' | 'relaunched' | 'failed' | 'interrupted';

/** Per task, what happened (README "JSON output" of `wipe`). */
export interface TaskWipeResult {
  app: string;
  task: string;
  agentId: string | null;
  host: string | null;
  outcome: WipeOutcome;
  bytesDeleted: number;
  entriesDeleted: number;
  /** When its data was deleted (this run or an earlier one); null = not deleted. */
  dataDeletedAt: string | null;
  /** false: the delete ran but its report was lost; the directory was re-inspected afterwards. */
  deleteConfirmed: boolean | null;
  backups: string[];
  /** The step that failed or was not reached, or why a re-check refused. */
  error: string | null;
  /** --skip-data: where the data stays. */
  dataLeftOnDisk: { host: string | null; paths: string[] } | null;
}

/** A refused item of any destructive command's plan, and why (printed by output/plan.ts). */
export interface PlannedRefusal {
  /** What was refused: a task id, an agent path, a reservation. */
  item: string;
  reasons: string[];
}

export interface Refusal {
  app: string;
  task: string;
  reasons: string[];
}

/** Marathon's per-task wipe endpoint — never the app-wide `DELETE /v2/apps/<app>/tasks?wipe=true`. */
export function expungeRequest(appId: string, taskId: string): ExpungeRequest {
  const app = appId.split('/').filter(Boolean).map(encodeURIComponent).join('/');
  return { method: 'DELETE', path: `/v2/apps/${app}/tasks/${encodeURIComponent(taskId)}?wipe=true` };
}

const ACTIVE_HINT = (app: string) =>
  `scale the app down first (e.g. PUT /v2/apps${app} with a lower "instances"), then wipe the task once it is waiting`;

/**
 * Checks that need no agent access: the task is not running, every volume's id and role pass Mesos's
 * validation, and its host path rebuilds to the same string, under the roles directory (or a MOUNT root).
 * Returns the reasons to refuse; empty = go on.
 */
export function staticRefusals(candidate: WipeCandidate, skipData: boolean): string[] {
  const { task, volumes } = candidate;
  const reasons: string[] = [];
  if (task.state === 'running') {
    reasons.push(`task is running${task.marathonState ? ` (${task.marathonState})` : ''}: ${ACTIVE_HINT(task.app)}`);
    return reasons;
  }
  if (task.state === 'unknown') {
    reasons.push('Marathon could not confirm the task is not running');
    return reasons;
  }
  if (task.state === 'agent-lost' && !skipData) {
    reasons.push(
      `the task's agent is lost (${lostWhy(task)}): its data cannot be reached; re-run with --skip-data to expunge the task only (the data stays on ${task.host ?? 'that node'}'s disk)`,
    );
    return reasons;
  }
  if (task.state === 'waiting' && skipData && task.agentStatus === 'active') {
    reasons.push('--skip-data is for tasks whose agent is gone; this agent is active, so its data can and must be deleted');
  }
  if (volumes.length === 0) reasons.push('the task has no persistent volumes');
  if (skipData) return reasons;
  for (const v of volumes) reasons.push(...volumeRefusals(v));
  return reasons;
}

function lostWhy(task: StatefulTaskView): string {
  if (task.agentStatus === 'gone') return 'no longer known to the Mesos master';
  if (task.agentStatus === 'inactive') return 'inactive';
  return task.marathonState ? `Marathon reports ${task.marathonState}` : 'unreachable';
}

/**
 * Why a volume's host path cannot be trusted to be exactly what the agent mounts. `allowInUse`: a live
 * backup reads a volume a container is using, on purpose.
 */
export function volumeRefusals(v: VolumeDetail, options: { allowInUse?: boolean } = {}): string[] {
  const name = `volume ${v.containerPath}`;
  if (!v.persistenceIdValid) return [`${name}: persistence id '${printable(v.persistenceId)}' is invalid: ${v.persistenceIdProblem}`];
  if (v.hostPath === null || v.role === null) return [`${name}: host path unknown: ${v.hostPathProblem ?? 'role unknown'}`];
  if (!v.mesos.volumeKnown && v.isMountRoot) return [`${name}: MOUNT volume no longer known to Mesos; its root cannot be confirmed`];
  if (v.isMountRoot) {
    // The master's word alone is not enough for a whole disk: the agent must have been started with
    // that MOUNT root, and the app must have asked for a mount volume.
    if (v.diskRoots === null) return [`${name}: the agent's configured disks (/flags resources) could not be read; refusing to empty a MOUNT root on the master's word alone`];
    if (!v.diskRoots.mount.includes(v.hostPath)) {
      return [
        `${name}: the master reports MOUNT root ${printable(v.hostPath)}, which is not one of the agent's configured MOUNT disks (${v.diskRoots.mount.map(printable).join(', ') || 'none'})`,
      ];
    }
    if (v.type !== 'mount') return [`${name}: Mesos reports a MOUNT disk but the app declares a ${v.type ?? 'unknown'} volume; refusing`];
  }
  if (v.mesos.inUse && !options.allowInUse) return [`${name}: Mesos reports the volume in use by a live container`];
  // Rebuild independently and compare: what we delete must be exactly what the agent would mount.
  const source: VolumeSource = v.isMountRoot ? { type: 'MOUNT', root: v.hostPath } : sourceFor(v);
  const mismatch = volumePathMismatch(v.hostPath, { workDir: v.workDir, role: v.role, persistenceId: v.persistenceId, source });
  if (mismatch) return [`${name}: ${mismatch}`];
  if (v.workDirSource !== 'agent-flags' && !v.isMountRoot) {
    return [`${name}: the agent's work_dir could not be read from its /flags (${v.notes[0] ?? 'unknown'}); refusing to guess`];
  }
  return [];
}

function sourceFor(v: VolumeDetail): VolumeSource {
  if (v.mesos.source === 'PATH') {
    const marker = '/volumes/roles/';
    const root = v.hostPath?.slice(0, v.hostPath.lastIndexOf(marker)) ?? '';
    return { type: 'PATH', root };
  }
  return { type: 'ROOT' };
}

/**
 * Checks on what the agent reports for a volume path. A path that is already gone is fine only when the
 * journal says this run deleted it before (`alreadyDeleted`); otherwise it is a refusal.
 */
export function remoteRefusals(v: VolumeDetail, facts: RemoteVolumeFacts, alreadyDeleted: boolean, backup = false): string[] {
  const problem = remotePathProblem(v.hostPath ?? '', facts, { mountRoot: v.isMountRoot, alreadyDeleted, read: backup });
  return problem === undefined ? [] : [`volume ${v.containerPath}: ${problem}`];
}

/** The fence's base (see VolumeWipePlan.fenceBase). */
export function fenceBaseOf(v: Pick<VolumeDetail, 'hostPath' | 'isMountRoot' | 'workDir'>): string {
  const path = v.hostPath ?? '';
  if (v.isMountRoot) return path;
  const marker = '/volumes/roles/';
  const root = path.slice(0, path.lastIndexOf(marker));
  return root === '' ? v.workDir : root;
}

export function volumePlan(v: VolumeDetail, facts: RemoteVolumeFacts | undefined, alreadyDeleted = false): VolumeWipePlan {
  const stat = facts?.stat;
  const entries = facts?.size?.entries ?? null;
  return {
    containerPath: v.containerPath,
    persistenceId: v.persistenceId,
    hostPath: v.hostPath ?? '',
    isMountRoot: v.isMountRoot,
    bytes: facts?.size?.bytes ?? null,
    entries,
    fenceBase: fenceBaseOf(v),
    deviceInode: stat?.device !== undefined && stat.inode !== undefined ? `${stat.device}:${stat.inode}` : null,
    deleteAgain: alreadyDeleted && entries !== null && entries > 0,
  };
}

export function taskPlan(
  candidate: WipeCandidate,
  skipData: boolean,
  facts: Map<string, RemoteVolumeFacts>,
  alreadyDeleted: (containerPath: string) => boolean = () => false,
  stagedAt: string | null = null,
): TaskWipePlan {
  const { task, volumes } = candidate;
  return {
    app: task.app,
    task: task.task,
    agentId: task.agentId,
    host: task.host,
    state: task.state,
    skipData,
    stagedAt,
    // With skipData the volumes are listed only to say where the data stays.
    volumes: volumes.map((v) => volumePlan(v, facts.get(v.hostPath ?? ''), alreadyDeleted(v.containerPath))),
    expunge: expungeRequest(task.app, task.task),
  };
}
