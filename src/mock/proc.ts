import { lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostPathOf } from './sandbox.js';
import type { MockState } from './types.js';

/**
 * What a container using a persistent volume looks like in an agent's `/proc`, so the agent-side fence
 * sees mock tasks exactly as it sees real ones. Mesos's `filesystem/linux` isolator and Docker both
 * bind-mount the volume into the container's mount namespace; the kernel then lists, in
 * `/proc/<pid>/mountinfo` of every process in that namespace, a mount whose root is the volume's path
 * inside its filesystem. The mock writes that file under `<sandbox>/proc/<pid>/` with the real device
 * and root of the sandbox directory, and links `<sandbox>/proc/self` to the real `/proc/self`, so the
 * fence's arithmetic (device numbers, the mount a path lives on) runs on real data.
 */

/** Fake pids of mock containers: one per running task that has volumes on this agent. */
const TASK_PID_BASE = 40_000;
/** Containers Marathon does not know about (e.g. a Docker container left behind): see `markInUse`. */
const STRAY_PID_BASE = 50_000;

interface MountLine {
  majorMinor: string;
  root: string;
  mountPoint: string;
  tail: string;
}

/** The kernel escapes space, tab, newline and backslash in mountinfo paths as 3-digit octal. */
export function escapeMountPath(path: string): string {
  return path.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

function hostMounts(): MountLine[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const fields = line.split(' ');
      const dash = fields.indexOf('-');
      return {
        majorMinor: fields[2] ?? '',
        root: unescapeMountPath(fields[3] ?? '/'),
        mountPoint: unescapeMountPath(fields[4] ?? '/'),
        tail: dash >= 0 ? fields.slice(dash).join(' ') : '- unknown none rw',
      };
    });
}

/** glibc's major()/minor() of an st_dev. */
function majorMinor(dev: number): string {
  const big = BigInt(dev);
  const major = ((big >> 8n) & 0xfffn) | ((big >> 32n) & ~0xfffn);
  const minor = (big & 0xffn) | ((big >> 12n) & ~0xffn & 0xffffffffn);
  return `${major}:${minor}`;
}

/** The mountinfo line a bind mount of `source` (a real directory) at `target` would produce. */
function bindMountLine(mountId: number, source: string, target: string): string | undefined {
  let dev: number;
  try {
    dev = statSync(source).dev;
  } catch {
    return undefined;
  }
  const mm = majorMinor(dev);
  const under = (mp: string) => mp === '/' || source === mp || source.startsWith(`${mp}/`);
  const host = hostMounts()
    .filter((m) => m.majorMinor === mm && under(m.mountPoint))
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length)[0];
  if (!host) return undefined;
  const rest = host.mountPoint === '/' ? source : source.slice(host.mountPoint.length);
  const root = `${host.root.replace(/\/$/, '')}${rest}` || '/';
  return `${mountId} 1 ${mm} ${escapeMountPath(root)} ${escapeMountPath(target)} rw,relatime master:1 ${host.tail}`;
}

function writeContainer(root: string, pid: number, mounts: { source: string; target: string }[]): void {
  const lines = mounts
    .map((m, i) => bindMountLine(pid * 10 + i, join(root, m.source), m.target))
    .filter((l): l is string => l !== undefined);
  const dir = join(root, 'proc', String(pid));
  mkdirSync(dir, { recursive: true });
  // The container's own root, then one bind mount per volume (what `filesystem/linux` and Docker leave).
  writeFileSync(join(dir, 'mountinfo'), `${pid * 10 + 9} 1 0:99 / / rw,relatime - overlay overlay rw\n${lines.join('\n')}\n`);
}

function ensureProcSelf(root: string): void {
  const self = join(root, 'proc', 'self');
  try {
    lstatSync(self);
  } catch {
    mkdirSync(join(root, 'proc'), { recursive: true });
    symlinkSync('/proc/self', self);
  }
}

/**
 * Make `<root>/proc` show one container per running task of this agent that uses persistent volumes,
 * and nothing for tasks that stopped. Stray containers (markInUse) are left alone.
 */
export function syncContainerMounts(root: string, state: MockState, agentId: string): void {
  ensureProcSelf(root);
  const wanted = new Map<number, { source: string; target: string }[]>();
  state.tasks.forEach((task, index) => {
    if (task.agentId !== agentId || task.kind !== 'running' || task.localVolumes.length === 0) return;
    const reservation = state.reservations.find(
      (r) => r.agentId === agentId && r.volumes.some((v) => task.localVolumes.some((lv) => lv.persistenceId === v.persistenceId)),
    );
    if (!reservation) return;
    const mounts = reservation.volumes.map((v) => ({
      source: hostPathOf(reservation.role, v),
      target: `/var/lib/mesos/slave/slaves/${agentId}/frameworks/${state.frameworkId}/executors/${task.id}/runs/latest/${v.containerPath}`,
    }));
    wanted.set(TASK_PID_BASE + index, mounts);
  });
  const procDir = join(root, 'proc');
  for (const name of readdirSync(procDir)) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid >= TASK_PID_BASE && pid < STRAY_PID_BASE && !wanted.has(pid)) {
      rmSync(join(procDir, name), { recursive: true, force: true });
    }
  }
  for (const [pid, mounts] of wanted) writeContainer(root, pid, mounts);
}

/** A container that holds `hostPath` (an agent path) bind-mounted while nobody in Marathon or Mesos says so. */
export function markInUse(root: string, hostPath: string): void {
  ensureProcSelf(root);
  const procDir = join(root, 'proc');
  const taken = new Set(readdirSync(procDir));
  let pid = STRAY_PID_BASE;
  while (taken.has(String(pid))) pid++;
  writeContainer(root, pid, [{ source: hostPath, target: '/data' }]);
}
