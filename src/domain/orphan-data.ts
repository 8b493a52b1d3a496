import type { DirEntry } from '../model/agent-files.js';
import { printable, validatePersistenceId, validateVolumeRole } from './mesos-ids.js';
import { marathonClaim, masterClaim, rolesDirOf, type MarathonClaims } from './orphan-evidence.js';
import type { MesosVolume } from './reservations.js';
import { joinLikeMesos, volumePathMismatch } from './volume-path.js';

/**
 * Volume directories Mesos no longer knows (seed note "disk consumption": since Mesos 0.28 a destroyed
 * volume could leave its data behind). A directory `<work_dir>/volumes/roles/<role dir>/<name>` is
 * orphaned when no persistent volume of that agent has that role and persistence id — compared on the
 * names as they are on disk, so a volume whose id or role would fail today's validation still counts —
 * and no Marathon task or pod instance of any app lists that persistence id (orphan-evidence.ts).
 */

export interface OrphanData {
  agentId: string;
  hostname: string;
  /** The role, decoded from its directory name (a space stands for `/`). */
  role: string;
  persistenceId: string;
  path: string;
  workDir: string;
  /** Size on disk (du) and entries below it; null until measured. */
  bytes: number | null;
  entries: number | null;
}

/** Something under the roles directory that is neither a known volume nor a deletable orphan. */
export interface SkippedEntry {
  agentId: string;
  hostname: string;
  path: string;
  reason: string;
}

export interface RoleDirListing {
  /** The entry of `<work_dir>/volumes/roles/` itself. */
  roleDir: DirEntry;
  /** Its entries; undefined when the role directory was not listed (not a real directory). */
  entries?: DirEntry[];
}

export interface AgentVolumeDirs {
  agentId: string;
  hostname: string;
  workDir: string;
  /** The persistent volumes the master lists for this agent (from a complete listing: agentListingGap). */
  knownVolumes: MesosVolume[];
  /** Persistence ids Marathon lists; null = Marathon could not be read, so nothing is called orphaned. */
  claims: MarathonClaims | null;
  listing: RoleDirListing[];
}

/** `dev backend` → `dev/backend`: roles cannot contain spaces, so the encoding is reversible. */
export function decodeRoleDir(name: string): string {
  return name.replaceAll(' ', '/');
}

export function classifyVolumeDirs(agent: AgentVolumeDirs): { orphans: OrphanData[]; skipped: SkippedEntry[] } {
  const rolesDir = rolesDirOf(agent.workDir);
  const orphans: OrphanData[] = [];
  const skipped: SkippedEntry[] = [];
  const skip = (path: string, reason: string) => skipped.push({ agentId: agent.agentId, hostname: agent.hostname, path, reason });
  for (const { roleDir, entries } of agent.listing) {
    const roleDirPath = joinLikeMesos(rolesDir, roleDir.name);
    if (entries === undefined) {
      skip(roleDirPath, orphanProblem(agent.workDir, decodeRoleDir(roleDir.name), roleDir, roleDirPath) ?? 'not listed');
      continue;
    }
    const role = decodeRoleDir(roleDir.name);
    for (const entry of entries) {
      const path = joinLikeMesos(roleDirPath, entry.name);
      const name = { workDir: agent.workDir, roleDir: roleDir.name, persistenceId: entry.name };
      const master = masterClaim(name, agent.knownVolumes);
      if (master?.known) continue;
      const problem = master?.reason ?? orphanProblem(agent.workDir, role, entry, path) ?? marathonClaim(entry.name, agent.claims)?.reason;
      if (problem) skip(path, problem);
      else orphans.push({ agentId: agent.agentId, hostname: agent.hostname, role, persistenceId: entry.name, path, workDir: agent.workDir, bytes: null, entries: null });
    }
  }
  return { orphans, skipped };
}

/**
 * Why an unknown entry is not a deletable orphan volume directory: it must be a real directory on the
 * roles directory's filesystem whose role and name pass Mesos's rules, at exactly the path the agent
 * would have used. Also asked again right before a purge.
 */
export function orphanProblem(workDir: string, role: string, entry: Pick<DirEntry, 'name' | 'type' | 'isSymlink' | 'isMountPoint'>, path: string): string | undefined {
  if (entry.isSymlink) return 'a symbolic link, not a volume directory; not followed';
  if (entry.type !== 'directory') return `not a directory (${entry.type}); Mesos keeps only volume directories here`;
  if (entry.isMountPoint) return 'a mount point of another filesystem; not touched';
  const roleCheck = validateVolumeRole(role);
  if (!roleCheck.ok) return `role '${printable(role)}' fails Mesos's rules (${roleCheck.reason}); not a volume directory`;
  const idCheck = validatePersistenceId(entry.name);
  if (!idCheck.ok) return `'${printable(entry.name)}' fails Mesos's persistence id rules (${idCheck.reason})`;
  return volumePathMismatch(path, { workDir, role, persistenceId: entry.name, source: { type: 'ROOT' } });
}
