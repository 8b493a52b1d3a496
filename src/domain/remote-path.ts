import { printable } from './mesos-ids.js';

/** What was seen on an agent for one path, before anything is touched. */
export interface RemotePathFacts {
  /** lstat of the path; null = nothing there. */
  stat: { type: string; isSymlink: boolean; isMountPoint: boolean; device?: number; inode?: number } | null;
  size?: { bytes: number; entries: number };
}

export interface RemotePathExpectation {
  /** A MOUNT disk's root: must be a mount point (only its contents are ever deleted). Otherwise it must not be one. */
  mountRoot: boolean;
  /** An earlier run of this operation deleted it (journal): its absence is then expected. */
  alreadyDeleted: boolean;
}

/**
 * Why a path on an agent must not be deleted as it stands, or undefined when it may: it must exist
 * (unless this operation already removed it), be a real directory (a symlink is never followed), and be
 * on the filesystem it should be on. Every destructive command asks this before touching a path.
 */
export function remotePathProblem(path: string, facts: RemotePathFacts, expect: RemotePathExpectation): string | undefined {
  const shown = printable(path);
  if (facts.stat === null) return expect.alreadyDeleted ? undefined : `${shown} does not exist on the agent`;
  if (facts.stat.isSymlink) return `${shown} is a symbolic link; refusing to follow it`;
  if (facts.stat.type !== 'directory') return `${shown} is not a directory`;
  if (!expect.mountRoot && facts.stat.isMountPoint) {
    return `${shown} is a mount point of another filesystem, not a root-disk volume directory`;
  }
  if (expect.mountRoot && !facts.stat.isMountPoint) {
    return `${shown} should be a MOUNT disk's mount point but is a plain directory; refusing to empty it`;
  }
  return undefined;
}
