import { encodeRoleForPath, printable, validatePersistenceId, validateVolumeRole } from './mesos-ids.js';

/** Where Mesos put the volume (MesosDiskInfo.source); none = the agent's root disk. */
export type VolumeSource =
  | { type: 'ROOT' }
  | { type: 'PATH'; root: string }
  | { type: 'MOUNT'; root: string }
  | { type: 'UNSUPPORTED'; detail: string };

export interface VolumePathInput {
  workDir: string;
  role: string;
  persistenceId: string;
  source: VolumeSource;
}

export type VolumePath =
  | {
      ok: true;
      /** The directory Mesos mounts into the container. */
      path: string;
      /**
       * The directory the path must lie under (`<work_dir>/volumes/roles/` or `<PATH root>/volumes/roles/`);
       * for MOUNT volumes the mount root itself.
       */
      containedIn: string;
      /** MOUNT disks: the path is the mount point — delete its contents only, never the directory. */
      isMountRoot: boolean;
    }
  | { ok: false; reason: string };

/**
 * stout's path::join: removes one `/` at each seam and does not normalise
 * (../shared/reference/mesos-dcos/README.md §d).
 */
export function joinLikeMesos(...parts: string[]): string {
  return parts.reduce((acc, part) => {
    if (acc === '') return part;
    const left = acc.endsWith('/') ? acc.slice(0, -1) : acc;
    const right = part.startsWith('/') ? part.slice(1) : part;
    return `${left}/${right}`;
  }, '');
}

/** A directory we are willing to build paths under: absolute, no `.`/`..` components, printable. */
export function checkBaseDirectory(dir: string, what: string): string | undefined {
  if (!dir.startsWith('/')) return `${what} '${printable(dir)}' is not an absolute path`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(dir)) return `${what} contains a control character`;
  const components = dir.split('/').filter((c) => c !== '');
  if (components.some((c) => c === '.' || c === '..')) return `${what} '${printable(dir)}' contains '.' or '..'`;
  return undefined;
}

/**
 * The host path of a persistent volume, built exactly as the agent builds it
 * (src/slave/paths.cpp getPersistentVolumePath): `<work_dir>/volumes/roles/<role>/<persistence id>`,
 * `<root>/volumes/roles/<role>/<id>` for PATH disks, the mount root for MOUNT disks.
 * Every input is validated first; an invalid one yields a reason, never a path.
 */
export function buildVolumeHostPath(input: VolumePathInput): VolumePath {
  const idCheck = validatePersistenceId(input.persistenceId);
  if (!idCheck.ok) return { ok: false, reason: idCheck.reason };
  const roleCheck = validateVolumeRole(input.role);
  if (!roleCheck.ok) return { ok: false, reason: roleCheck.reason };
  const workDirProblem = checkBaseDirectory(input.workDir, 'work_dir');
  if (workDirProblem) return { ok: false, reason: workDirProblem };

  const rolesDirUnder = (base: string) => joinLikeMesos(base, 'volumes', 'roles');
  const { source } = input;
  switch (source.type) {
    case 'ROOT': {
      const containedIn = rolesDirUnder(input.workDir);
      const path = joinLikeMesos(containedIn, encodeRoleForPath(input.role), input.persistenceId);
      return { ok: true, path, containedIn: `${containedIn}/`, isMountRoot: false };
    }
    case 'PATH':
    case 'MOUNT': {
      const root = source.root.startsWith('/') ? source.root : joinLikeMesos(input.workDir, source.root);
      const rootProblem = checkBaseDirectory(root, `${source.type} disk root`);
      if (rootProblem) return { ok: false, reason: rootProblem };
      if (source.type === 'MOUNT') {
        const normalized = root.replace(/\/+$/, '') || '/';
        if (normalized === '/') return { ok: false, reason: 'MOUNT disk root is /' };
        return { ok: true, path: normalized, containedIn: normalized, isMountRoot: true };
      }
      const containedIn = rolesDirUnder(root);
      const path = joinLikeMesos(containedIn, encodeRoleForPath(input.role), input.persistenceId);
      return { ok: true, path, containedIn: `${containedIn}/`, isMountRoot: false };
    }
    case 'UNSUPPORTED':
      return { ok: false, reason: `unsupported disk source: ${source.detail}` };
  }
}

/**
 * Why `path` is not exactly the directory the agent uses for this volume, or undefined when it is: the
 * path is rebuilt from validated inputs and must be equal, and (except for a MOUNT root) lie directly
 * under `<roles dir>/<role>/`. Every destructive command asks this before deleting a volume directory.
 */
export function volumePathMismatch(path: string, input: VolumePathInput): string | undefined {
  const rebuilt = buildVolumeHostPath(input);
  if (!rebuilt.ok) return rebuilt.reason;
  if (rebuilt.path !== path) return `host path ${printable(path)} does not match the rebuilt ${printable(rebuilt.path)}`;
  if (rebuilt.isMountRoot) return undefined;
  const rest = rebuilt.path.startsWith(rebuilt.containedIn) ? rebuilt.path.slice(rebuilt.containedIn.length) : undefined;
  if (rest === undefined || rest.split('/').length !== 2 || !rest.endsWith(`/${input.persistenceId}`)) {
    return `${printable(rebuilt.path)} is not <roles dir>/<role>/<persistence id> under ${rebuilt.containedIn}`;
  }
  return undefined;
}

/** The DC/OS default agent work_dir (gen/calc.py `mesos_agent_work_dir`); Mesos itself has no default. */
export const DCOS_DEFAULT_WORK_DIR = '/var/lib/mesos/slave';
