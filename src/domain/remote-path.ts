import { printable } from './mesos-ids.js';

/** What was seen on an agent for one path, before anything is touched. */
export interface RemotePathFacts {
  /** lstat of the path; null = nothing there. */
  stat: { type: string; isSymlink: boolean; isMountPoint: boolean; device?: number; inode?: number } | null;
  size?: { bytes: number; entries: number };
  /** What the agent-side user may not do below the path (absent: not examined). */
  access?: RemoteAccessFacts;
}

export interface RemoteAccessFacts {
  /** Who the agent ran our scripts as: the SSH user, or root through sudo. */
  user: string;
  /** directory: cannot list, enter or change it; file: cannot read it; parent: cannot remove the path itself. */
  blocked: { kind: 'directory' | 'file' | 'parent'; ownerUid: number; count: number }[];
}

export interface RemotePathExpectation {
  /** A MOUNT disk's root: must be a mount point (only its contents are ever deleted). Otherwise it must not be one. */
  mountRoot: boolean;
  /** An earlier run of this operation deleted it (journal): its absence is then expected. */
  alreadyDeleted: boolean;
  /** Everything below must be readable too (an archive is made first). */
  read?: boolean;
  /** The directory itself goes as well (rmdir), so its parent must let us remove it. */
  removeDirectory?: boolean;
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
    return `${shown} should be a MOUNT disk's mount point but is a plain directory (the disk is not mounted?); refusing to use it`;
  }
  return facts.access ? accessProblem(facts.access, expect) : undefined;
}

/**
 * Why the agent-side user cannot do all of it, found before anything is touched, so a task is refused
 * rather than half deleted: "2 entries owned by uid 999 are not deletable as centos: use --sudo".
 */
export function accessProblem(access: RemoteAccessFacts, expect: Pick<RemotePathExpectation, 'read' | 'removeDirectory'>): string | undefined {
  const asRoot = access.user === 'root';
  const remedy = asRoot ? 'not even root may (a root-squashed network filesystem?)' : 'use --sudo';
  const who = printable(access.user);
  const owners = (kind: RemoteAccessFacts['blocked'][number]['kind']) => {
    const rows = access.blocked.filter((b) => b.kind === kind);
    const count = rows.reduce((n, b) => n + b.count, 0);
    const uids = [...new Set(rows.map((b) => b.ownerUid))].sort((a, b) => a - b);
    return { count, owned: `owned by uid ${uids.slice(0, 3).join(', ')}${uids.length > 3 ? ', …' : ''}` };
  };
  const dirs = owners('directory');
  if (dirs.count > 0) {
    const what = dirs.count === 1 ? '1 entry' : `${dirs.count} entries`;
    return `${what} ${dirs.owned} ${dirs.count === 1 ? 'is' : 'are'} not deletable as ${who}: ${remedy}`;
  }
  const files = owners('file');
  if (expect.read && files.count > 0) {
    const what = files.count === 1 ? '1 file' : `${files.count} files`;
    return `${what} ${files.owned} ${files.count === 1 ? 'is' : 'are'} not readable as ${who} (needed for the backup): ${remedy}`;
  }
  const parent = owners('parent');
  if (expect.removeDirectory && parent.count > 0) {
    return `its parent directory (${parent.owned}) does not let ${who} remove it: ${remedy}`;
  }
  return undefined;
}
