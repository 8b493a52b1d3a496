import type { MesosAgent, MesosResource } from '../model/mesos.js';
import { encodeRoleForPath } from './mesos-ids.js';
import { indexReservations, reservationRole, type MesosVolume } from './reservations.js';
import { joinLikeMesos } from './volume-path.js';

/**
 * What must be known before a volume directory may be called orphaned, and the decision itself. A
 * directory is orphan data only when both owners of volumes say they do not have it: the Mesos master
 * (its complete listing of that agent's reserved resources) and Marathon (no task or pod instance of
 * any app lists its persistence id). Whatever cannot be read is "could not be checked", never "none".
 */

/** Persistence id → the Marathon tasks and pod instances that list it in their `localVolumes`. */
export type MarathonClaims = ReadonlyMap<string, readonly string[]>;

export interface VolumeClaimer {
  id: string;
  persistenceIds: readonly string[];
}

export function marathonClaims(claimers: readonly VolumeClaimer[]): Map<string, string[]> {
  const claims = new Map<string, string[]>();
  for (const c of claimers) {
    for (const pid of c.persistenceIds) {
      const list = claims.get(pid) ?? [];
      if (!list.includes(c.id)) list.push(c.id);
      claims.set(pid, list);
    }
  }
  return claims;
}

/**
 * Why the master's `/slaves` entry of this agent cannot tell which volumes the agent holds, or
 * undefined when it can. A master before 0.28 sends no `reserved_resources_full`; a volume whose
 * persistence id or role cannot be read would make its directory look unknown.
 */
export function agentListingGap(agent: MesosAgent): string | undefined {
  if (typeof agent.id !== 'string' || agent.id === '') return "the master's /slaves entry has no agent id";
  if (typeof agent.hostname !== 'string' || agent.hostname === '') return "the master's /slaves entry has no hostname";
  const full: unknown = agent.reserved_resources_full;
  if (full === undefined || full === null) {
    return "the master's /slaves entry has no reserved_resources_full (a Mesos master before 0.28, or a proxy that dropped it): which volumes the agent holds is unknown";
  }
  if (typeof full !== 'object' || Array.isArray(full)) return "the master's reserved_resources_full is not an object of resource lists";
  for (const [role, resources] of Object.entries(full as Record<string, unknown>)) {
    if (!Array.isArray(resources)) return `the master's reserved_resources_full["${role}"] is not a list`;
    for (const resource of resources as MesosResource[]) {
      const persistence = resource?.disk?.persistence;
      if (persistence === undefined) continue;
      if (typeof persistence?.id !== 'string' || persistence.id === '') return 'a persistent volume in reserved_resources_full has no persistence id';
      if (reservationRole(resource) === undefined) return `persistent volume ${persistence.id} in reserved_resources_full has no role`;
    }
  }
  return undefined;
}

/** What a directory is judged against; the same facts at the scan and right before each removal. */
export interface OrphanEvidence {
  /** The master's entry for the agent; undefined = the master does not list the agent. */
  agent: MesosAgent | undefined;
  /** null = Marathon could not be read. */
  claims: MarathonClaims | null;
}

export interface VolumeDirName {
  workDir: string;
  /** The role directory's name as on disk (`dev backend`). */
  roleDir: string;
  persistenceId: string;
}

/**
 * Why this volume directory is not orphan data (undefined: it is). `known` says the master lists this
 * exact volume: then it is simply a volume, not something to report.
 */
export function notOrphan(dir: VolumeDirName, evidence: OrphanEvidence): { known: boolean; reason: string } | undefined {
  if (evidence.agent === undefined) return { known: false, reason: 'the Mesos master no longer lists this agent: whether the directory is orphaned cannot be told' };
  const gap = agentListingGap(evidence.agent);
  if (gap) return { known: false, reason: gap };
  const volumes = indexReservations({ slaves: [evidence.agent] }).allVolumes();
  return masterClaim(dir, volumes) ?? marathonClaim(dir.persistenceId, evidence.claims);
}

/** The master's side, given the agent's volumes from a complete listing. */
export function masterClaim(dir: VolumeDirName, volumes: readonly MesosVolume[]): { known: boolean; reason: string } | undefined {
  if (knownVolumeDirs(volumes, dir.workDir).has(`${dir.roleDir}/${dir.persistenceId}`)) {
    return { known: true, reason: 'the Mesos master lists a volume with this role and id on the agent' };
  }
  const sameId = volumes.filter((v) => v.persistenceId === dir.persistenceId);
  if (sameId.length > 0) {
    const where = sameId.map((v) => `role ${v.role}${v.source.type === 'ROOT' ? '' : `, ${v.source.type} disk`}`).join('; ');
    return { known: false, reason: `the Mesos master lists persistence id ${dir.persistenceId} on this agent (${where}); not touched` };
  }
  return undefined;
}

/** Marathon's side: a persistence id any task or pod instance of any app lists is its data. */
export function marathonClaim(persistenceId: string, claims: MarathonClaims | null): { known: boolean; reason: string } | undefined {
  if (claims === null) return { known: false, reason: 'Marathon could not be read: whether a task still lists this persistence id is unknown' };
  const claimers = claims.get(persistenceId);
  if (claimers && claimers.length > 0) {
    return { known: false, reason: `Marathon still lists this persistence id on ${claimers.length === 1 ? 'task' : 'tasks'} ${claimers.join(', ')}; its data is not orphaned` };
  }
  return undefined;
}

export function rolesDirOf(workDir: string): string {
  return joinLikeMesos(workDir, 'volumes', 'roles');
}

/**
 * `<role dir>/<persistence id>` of every volume the master lists that lives under this work_dir's roles
 * directory: root-disk volumes, and PATH disks rooted at work_dir.
 */
export function knownVolumeDirs(volumes: readonly MesosVolume[], workDir: string): Set<string> {
  const rolesDir = rolesDirOf(workDir);
  return new Set(
    volumes
      .filter((v) => v.source.type === 'ROOT' || (v.source.type === 'PATH' && joinLikeMesos(v.source.root, 'volumes', 'roles') === rolesDir))
      .map((v) => `${encodeRoleForPath(v.role)}/${v.persistenceId}`),
  );
}
