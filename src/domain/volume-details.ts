import type { MarathonApp, MarathonAppVolume, MarathonLocalVolume, MarathonTask } from '../model/marathon.js';
import type { ClusterReservations } from './reservations.js';
import { parseTaskId } from './task-id.js';
import { buildVolumeHostPath, DCOS_DEFAULT_WORK_DIR, type VolumeSource } from './volume-path.js';
import { statefulTaskView, type StatefulTaskView } from './stateful-tasks.js';

export type WorkDirSource = 'agent-flags' | 'dcos-default';

export interface AgentWorkDir {
  workDir: string;
  source: WorkDirSource;
  /** Why the live value could not be used, when falling back to the default. */
  note?: string;
  /** MOUNT and PATH disk roots the agent was started with (`/flags` `resources`); null = flags not read. */
  diskRoots: DiskRoots | null;
}

export interface DiskRoots {
  mount: string[];
  path: string[];
}

/** One persistent volume of one task, with everything needed to find it on disk (README "JSON output"). */
export interface VolumeDetail {
  app: string;
  task: string;
  agentId: string | null;
  host: string | null;
  taskState: StatefulTaskView['state'];
  containerPath: string;
  persistenceId: string;
  persistenceIdValid: boolean;
  persistenceIdProblem: string | null;
  /** From the app definition's volume. */
  mode: string | null;
  sizeMb: number | null;
  type: string | null;
  role: string | null;
  roleSource: 'task' | 'reservation' | 'marathon-config' | null;
  workDir: string;
  workDirSource: WorkDirSource;
  /** `<work_dir>/volumes/roles/<role>/<persistence id>` (or the MOUNT root), null when it cannot be built. */
  hostPath: string | null;
  hostPathProblem: string | null;
  /** MOUNT disk: the path is a mount point; only its contents may ever be deleted. */
  isMountRoot: boolean;
  mesos: {
    /** A reservation labelled with this task is still known to the Mesos master on that agent. */
    reservationKnown: boolean;
    /** The persistent volume itself is still known to the Mesos master on that agent. */
    volumeKnown: boolean;
    inUse: boolean;
    source: string | null;
  };
  /** The agent's configured MOUNT/PATH disk roots (from its /flags); null = unknown. */
  diskRoots: DiskRoots | null;
  /** Bytes on disk; filled in when measured over SSH, null otherwise. */
  sizeOnDisk: number | null;
  notes: string[];
}

/** The app volume a task's local volume belongs to: by name (1.6+) or containerPath. */
export function appVolumeFor(app: MarathonApp | undefined, lv: MarathonLocalVolume): MarathonAppVolume | undefined {
  const volumes = app?.container?.volumes ?? [];
  return (
    volumes.find((v) => v.persistent !== undefined && v.name !== undefined && v.name === lv.containerPath) ??
    volumes.find((v) => v.persistent !== undefined && v.containerPath === lv.containerPath)
  );
}

export interface VolumeDetailInput {
  task: MarathonTask;
  app: MarathonApp | undefined;
  reservations: ClusterReservations;
  /** Marathon's `--mesos_role` from /v2/info (≤1.8 reservation role), when known. */
  marathonRole: string | null | undefined;
  workDir: AgentWorkDir;
}

export function volumeDetails(input: VolumeDetailInput): VolumeDetail[] {
  const { task, app, reservations, workDir } = input;
  const view = statefulTaskView(task, reservations);
  const labels = parseTaskId(task.id)?.reservationLabels ?? [task.id];
  const agentId = task.slaveId ?? null;
  const reservationKnown = agentId !== null && reservations.hasReservation(agentId, labels);

  return (task.localVolumes ?? []).map((lv, i) => {
    const volumeView = view.volumes[i];
    const mesosVolume = agentId ? reservations.volumesOn(agentId, lv.persistenceId)[0] : undefined;
    const appVolume = appVolumeFor(app, lv);
    const notes: string[] = [];

    let role: string | null = null;
    let roleSource: VolumeDetail['roleSource'] = null;
    if (task.role) [role, roleSource] = [task.role, 'task'];
    else if (mesosVolume) [role, roleSource] = [mesosVolume.role, 'reservation'];
    else if (input.marathonRole) [role, roleSource] = [input.marathonRole, 'marathon-config'];
    if (mesosVolume && role !== null && mesosVolume.role !== role) {
      notes.push(`Mesos reserves this volume for role '${mesosVolume.role}', not '${role}'; the Mesos role is used for the path`);
      [role, roleSource] = [mesosVolume.role, 'reservation'];
    }

    const source: VolumeSource | undefined = mesosVolume?.source ?? sourceFromAppDefinition(appVolume);
    let hostPath: string | null = null;
    let hostPathProblem: string | null = null;
    let isMountRoot = false;
    if (role === null) {
      hostPathProblem = 'role unknown (no task role, no Mesos reservation, no Marathon mesos_role)';
    } else if (source === undefined) {
      hostPathProblem = 'the volume is a MOUNT/PATH disk and Mesos no longer reports its root';
    } else {
      const built = buildVolumeHostPath({ workDir: workDir.workDir, role, persistenceId: lv.persistenceId, source });
      if (built.ok) {
        hostPath = built.path;
        isMountRoot = built.isMountRoot;
      } else {
        hostPathProblem = built.reason;
      }
    }
    if (workDir.note) notes.push(workDir.note);
    if (!reservationKnown && agentId !== null) notes.push('Mesos no longer lists a reservation for this task on its agent');

    return {
      app: view.app,
      task: task.id,
      agentId,
      host: task.host ?? null,
      taskState: view.state,
      containerPath: lv.containerPath,
      persistenceId: lv.persistenceId,
      persistenceIdValid: volumeView?.persistenceIdValid ?? false,
      persistenceIdProblem: volumeView?.persistenceIdProblem ?? null,
      mode: appVolume?.mode ?? null,
      sizeMb: appVolume?.persistent?.size ?? null,
      type: appVolume?.persistent?.type ?? (appVolume ? 'root' : null),
      role,
      roleSource,
      workDir: workDir.workDir,
      workDirSource: workDir.source,
      hostPath,
      hostPathProblem,
      isMountRoot,
      mesos: {
        reservationKnown,
        volumeKnown: mesosVolume !== undefined,
        inUse: mesosVolume?.inUse ?? false,
        source: mesosVolume ? mesosVolume.source.type : null,
      },
      diskRoots: workDir.diskRoots,
      sizeOnDisk: null,
      notes,
    };
  });
}

/** Only a root-disk volume's location follows from the app definition alone; mount/path roots come from Mesos. */
function sourceFromAppDefinition(volume: MarathonAppVolume | undefined): VolumeSource | undefined {
  const type = volume?.persistent?.type ?? 'root';
  return type === 'root' ? { type: 'ROOT' } : undefined;
}

/** work_dir from the agent's live /flags, else DC/OS's default with the reason. */
export function workDirFrom(flags: Record<string, string> | undefined, failure?: string): AgentWorkDir {
  const live = flags?.work_dir;
  const diskRoots = flags ? diskRootsFrom(flags.resources) : null;
  if (live) return { workDir: live, source: 'agent-flags', diskRoots };
  const why = failure ?? 'the agent /flags has no work_dir';
  return {
    workDir: DCOS_DEFAULT_WORK_DIR,
    source: 'dcos-default',
    note: `work_dir is DC/OS's default ${DCOS_DEFAULT_WORK_DIR}: ${why}`,
    diskRoots,
  };
}

/**
 * The disk roots in the agent's `--resources`. MOUNT and PATH disks can only be given in the JSON form
 * (DC/OS writes it to /var/lib/dcos/mesos-resources); the `cpus:4;mem:…` text form has none.
 */
export function diskRootsFrom(resources: string | undefined): DiskRoots {
  const roots: DiskRoots = { mount: [], path: [] };
  if (resources === undefined || !resources.trim().startsWith('[')) return roots;
  let parsed: unknown;
  try {
    parsed = JSON.parse(resources);
  } catch {
    return roots;
  }
  for (const r of Array.isArray(parsed) ? parsed : []) {
    const source = (r as { disk?: { source?: { type?: string; mount?: { root?: unknown }; path?: { root?: unknown } } } } | null)?.disk?.source;
    if (typeof source?.mount?.root === 'string') roots.mount.push(source.mount.root);
    if (typeof source?.path?.root === 'string') roots.path.push(source.path.root);
  }
  return roots;
}
