import type { AgentAccess } from '../../agent/access.js';
import { fanOut } from '../../agent/fanout.js';
import type { ClusterClients } from '../../context/context.js';
import type { MarathonInfo, MarathonPodInstance, MarathonTask } from '../../model/marathon.js';
import type { MesosAgent, MesosSlaves } from '../../model/mesos.js';
import { isCliError, messageOf, type CliError } from '../../core/errors.js';
import { classifyVolumeDirs, type OrphanData, type RoleDirListing, type SkippedEntry } from '../../domain/orphan-data.js';
import { agentListingGap, marathonClaims, rolesDirOf, type MarathonClaims } from '../../domain/orphan-evidence.js';
import { findOrphanReservations, type OrphanReservation } from '../../domain/orphan-reservations.js';
import { indexReservations } from '../../domain/reservations.js';
import { parseTaskId } from '../../domain/task-id.js';
import { atLeast, parseMarathonVersion } from '../../domain/app-check/version.js';

export interface OrphanReport {
  marathon: { frameworkId: string | null; roles: string[] };
  data: OrphanData[];
  reservations: OrphanReservation[];
  skipped: SkippedEntry[];
  /** What could not be checked; the report is incomplete when this is not empty. */
  warnings: string[];
}

export interface MarathonView {
  frameworkId: string;
  roles: Set<string>;
  knownTaskLabels: Set<string>;
  /** Every persistence id a task of any app — or, from 1.6, a pod instance — lists. */
  claims: MarathonClaims;
}

/**
 * Marathon's framework id, its roles, every reservation label its tasks — and, from 1.6, its pod
 * instances — can carry, and the persistence ids they list. Read fresh each time it is called.
 */
export async function readMarathonView(clients: ClusterClients): Promise<MarathonView> {
  const [info, tasks] = await Promise.all([clients.marathon.info(), clients.marathon.tasks({ statefulOnly: true })]);
  const version = parseMarathonVersion(info.version);
  const pods = version === undefined || atLeast(version, 6) ? await clients.marathon.podInstances() : [];
  return marathonView(info, tasks, pods);
}

function marathonView(info: MarathonInfo, tasks: MarathonTask[], pods: MarathonPodInstance[]): MarathonView {
  if (!info.frameworkId) throw new Error('Marathon reports no framework id (not registered with Mesos yet)');
  const roles = new Set<string>();
  if (info.marathon_config.mesos_role) roles.add(info.marathon_config.mesos_role);
  const knownTaskLabels = new Set<string>();
  for (const t of tasks) {
    if (t.role) roles.add(t.role);
    for (const label of parseTaskId(t.id)?.reservationLabels ?? [t.id]) knownTaskLabels.add(label);
  }
  for (const pod of pods) knownTaskLabels.add(pod.id);
  const claims = marathonClaims([...tasks.map((t) => ({ id: t.id, persistenceIds: (t.localVolumes ?? []).map((v) => v.persistenceId) })), ...pods]);
  return { frameworkId: info.frameworkId, roles, knownTaskLabels, claims };
}

/** Orphan reservations of a master listing; other frameworks' registration is read only when it matters. */
export async function orphanReservationsOf(clients: ClusterClients, slaves: MesosSlaves, view: MarathonView): Promise<{ reservations: OrphanReservation[]; warning?: string }> {
  const input = { slaves, frameworkId: view.frameworkId, marathonRoles: view.roles, knownTaskLabels: view.knownTaskLabels };
  const first = findOrphanReservations(input);
  if (!first.some((r) => r.kind === 'other-framework')) return { reservations: first };
  try {
    const state = await clients.mesos.masterState();
    const registeredFrameworks = new Set((state.frameworks ?? []).map((f) => f.id));
    return { reservations: findOrphanReservations({ ...input, registeredFrameworks }) };
  } catch (e) {
    return { reservations: first, warning: `Mesos master /state: ${messageOf(e)} — other frameworks' registration unknown` };
  }
}

/** Agents examined over SSH and why each failed one failed (the shared-failure exit code); not part of the report. */
export interface SshTally {
  contacted: number;
  failures: CliError[];
}

/**
 * Everything orphaned in the cluster: reservations from the master and Marathon, and, per live agent over
 * SSH (bounded fan-out), volume directories neither the master nor Marathon lists, with their size on
 * disk. What could not be read makes the report incomplete (warnings), never shorter.
 */
export async function findOrphans(
  clients: ClusterClients,
  access: () => Promise<AgentAccess>,
  signal: AbortSignal,
  onAgentsScanned?: (done: number, total: number) => void,
): Promise<OrphanReport & { ssh: SshTally }> {
  const [slaves, view] = await Promise.all([clients.mesos.slaves(), readMarathonView(clients).catch((e: unknown) => e as Error)]);
  const warnings: string[] = [];
  let reservations: OrphanReservation[] = [];
  if (view instanceof Error) {
    warnings.push(`Marathon: ${messageOf(view)} — orphan reservations not checked, and no volume directory is called orphaned`);
  } else {
    const found = await orphanReservationsOf(clients, slaves, view);
    reservations = found.reservations;
    if (found.warning) warnings.push(found.warning);
  }
  const claims = view instanceof Error ? null : view.claims;
  const { data, skipped, ssh } = await findOrphanData(clients, await access(), slaves, claims, warnings, signal, onAgentsScanned);
  return {
    ssh,
    marathon: view instanceof Error ? { frameworkId: null, roles: [] } : { frameworkId: view.frameworkId, roles: [...view.roles].sort() },
    data,
    reservations,
    skipped,
    warnings,
  };
}

async function findOrphanData(
  clients: ClusterClients,
  agents: AgentAccess,
  slaves: MesosSlaves,
  claims: MarathonClaims | null,
  warnings: string[],
  signal: AbortSignal,
  onAgentsScanned?: (done: number, total: number) => void,
): Promise<{ data: OrphanData[]; skipped: SkippedEntry[]; ssh: SshTally }> {
  const index = indexReservations(slaves);
  // An agent whose listing cannot tell its volumes is not examined: every directory would look orphaned.
  const listed = slaves.slaves.filter((a) => {
    const gap = agentListingGap(a);
    if (gap) warnings.push(`agent ${a.id || '?'} (${a.hostname || '?'}): ${gap} — its volume directories not checked`);
    return gap === undefined;
  });
  const targets = listed.map((a) => agents.target({ id: a.id, host: a.hostname }));
  let scanned = 0;
  onAgentsScanned?.(0, targets.length);
  const outcomes = await fanOut(
    targets,
    async (target, agentSignal) => {
      const agent = listed[targets.indexOf(target)] as MesosAgent;
      const workDir = (await clients.mesos.agentFlags(agent.id)).work_dir;
      if (!workDir) throw new Error("the agent's /flags has no work_dir; refusing to guess where its volumes are");
      const listing = await listRolesDir(agents, target, rolesDirOf(workDir), agentSignal);
      const knownVolumes = index.allVolumes().filter((v) => v.agentId === agent.id);
      const found = classifyVolumeDirs({ agentId: agent.id, hostname: agent.hostname, workDir, knownVolumes, claims, listing });
      const facts = await agents.fs.inspect(target, found.orphans.map((o) => o.path), { signal: agentSignal });
      found.orphans.forEach((o, i) => {
        o.bytes = facts[i]?.size?.bytes ?? null;
        o.entries = facts[i]?.size?.entries ?? null;
      });
      return found;
    },
    {
      concurrency: agents.settings.concurrency,
      perAgentTimeoutMs: agents.settings.perAgentTimeoutMs,
      signal,
      onSettled: () => onAgentsScanned?.(++scanned, targets.length),
    },
  );
  const data: OrphanData[] = [];
  const skipped: SkippedEntry[] = [];
  outcomes.forEach((o, i) => {
    if (o.ok) {
      data.push(...o.value.orphans);
      skipped.push(...o.value.skipped);
    } else {
      const agent = listed[i] as MesosAgent;
      warnings.push(`agent ${agent.id} (${agent.hostname}): ${o.error.message.replace(/^agent \S+ \([^)]*\): /, '')} — its volume directories not checked`);
    }
  });
  return { data, skipped, ssh: { contacted: targets.length, failures: outcomes.flatMap((o) => (o.ok ? [] : [o.error])) } };
}

/** The role directories and, for each real one, its entries. No roles directory: the agent never had a volume. */
async function listRolesDir(agents: AgentAccess, target: ReturnType<AgentAccess['target']>, rolesDir: string, signal: AbortSignal): Promise<RoleDirListing[]> {
  let roleDirs;
  try {
    roleDirs = (await agents.fs.list(target, rolesDir, { signal })).entries;
  } catch (e) {
    if (isCliError(e) && e.kind === 'not-found') return [];
    throw e;
  }
  const listing: RoleDirListing[] = [];
  for (const roleDir of roleDirs) {
    if (roleDir.type !== 'directory' || roleDir.isSymlink || roleDir.isMountPoint) listing.push({ roleDir });
    else listing.push({ roleDir, entries: (await agents.fs.list(target, `${rolesDir}/${roleDir.name}`, { signal })).entries });
  }
  return listing;
}
