import type { AgentAccess } from '../agent/access.js';
import { fanOut } from '../agent/fanout.js';
import { SudoRefusedError } from '../agent/ssh-errors.js';
import type { ClusterClients } from '../context.js';
import { decodeRoleDir, knownVolumeDirs, orphanProblem, type OrphanData } from '../domain/orphan-data.js';
import { remotePathProblem } from '../domain/remote-path.js';
import { indexReservations } from '../domain/reservations.js';
import type { Journal } from '../journal/journal.js';
import type { PlannedRefusal } from '../output/plan.js';
import { runByAgent } from './agent-batches.js';

/** Journal names: one item per directory, one step. */
export const purgeItem = (o: Pick<OrphanData, 'agentId' | 'path'>) => `${o.agentId}:${o.path}`;
const REMOVE = 'remove';

/** A big directory takes long to delete; the SSH connect timeout still applies. */
const LONG_STEP_MS = 6 * 60 * 60 * 1000;

export interface PurgeResult {
  agentId: string;
  host: string;
  path: string;
  outcome: 'removed' | 'failed' | 'interrupted';
  bytes: number;
  entriesRemoved: number;
  error: string | null;
}

/**
 * Right before deleting, everything is checked again, per agent: the master still lists the agent and
 * still has no volume with that role and id there, its work_dir is unchanged, the name passes Mesos's
 * rules and the path is exactly `<work_dir>/volumes/roles/<role>/<id>`, and over SSH it is a real
 * directory on the roles directory's filesystem. Any doubt refuses that directory.
 */
export async function preflightPurge(
  clients: ClusterClients,
  agents: AgentAccess,
  orphans: OrphanData[],
  options: { journal: Journal; signal: AbortSignal },
): Promise<{ plans: OrphanData[]; refusals: PlannedRefusal[] }> {
  const agentIds = [...new Set(orphans.map((o) => o.agentId))];
  const slaves = await clients.mesos.slaves(agentIds);
  const index = indexReservations(slaves);
  const targets = agentIds.map((id) => agents.target({ id, host: orphans.find((o) => o.agentId === id)?.hostname ?? '' }));
  const outcomes = await fanOut(
    targets,
    async (target, signal) => {
      const mine = orphans.filter((o) => o.agentId === target.id);
      const [flags, facts] = await Promise.all([
        clients.mesos.agentFlags(target.id ?? ''),
        agents.fs.inspect(target, mine.map((o) => o.path), { signal }),
      ]);
      return { workDir: flags.work_dir, facts };
    },
    { concurrency: agents.settings.concurrency, perAgentTimeoutMs: agents.settings.perAgentTimeoutMs, signal: options.signal },
  );
  const plans: OrphanData[] = [];
  const refusals: PlannedRefusal[] = [];
  for (const outcome of outcomes) if (!outcome.ok && outcome.error instanceof SudoRefusedError) throw outcome.error; // exit 6, nothing touched
  outcomes.forEach((outcome, i) => {
    const agentId = agentIds[i] as string;
    const mine = orphans.filter((o) => o.agentId === agentId);
    const known = knownVolumeDirs(index.allVolumes().filter((v) => v.agentId === agentId), mine[0]?.workDir ?? '');
    const listed = index.agents.has(agentId);
    mine.forEach((o, j) => {
      const reasons: string[] = [];
      if (!outcome.ok) reasons.push(`preflight on the agent failed: ${outcome.error.message}`);
      else {
        const roleDir = o.path.split('/').at(-2) ?? '';
        if (!listed) reasons.push('the Mesos master no longer lists this agent: whether the directory is orphaned cannot be told');
        else if (known.has(`${roleDir}/${o.persistenceId}`)) reasons.push('the Mesos master now lists a volume with this role and id on the agent');
        if (outcome.value.workDir !== o.workDir) reasons.push(`the agent's work_dir is now ${outcome.value.workDir ?? 'unknown'}, not ${o.workDir}`);
        const entry = { name: o.persistenceId, type: 'directory', isSymlink: false, isMountPoint: false } as const;
        const staticProblem = orphanProblem(o.workDir, decodeRoleDir(roleDir), entry, o.path);
        if (staticProblem) reasons.push(staticProblem);
        const facts = outcome.value.facts[j] ?? { stat: null };
        const remote = remotePathProblem(o.path, facts, {
          mountRoot: false,
          alreadyDeleted: options.journal.isDone(purgeItem(o), REMOVE),
          removeDirectory: true,
        });
        if (remote) reasons.push(remote);
        else if (facts.size) [o.bytes, o.entries] = [facts.size.bytes, facts.size.entries];
      }
      if (reasons.length > 0) refusals.push({ item: `${o.hostname} ${o.path}`, reasons });
      else plans.push(o);
    });
  });
  return { plans, refusals };
}

/** Removes each planned directory (contents, then the directory), journaled; agents in parallel. */
export async function executePurge(
  agents: AgentAccess,
  plans: OrphanData[],
  options: { journal: Journal; signal: AbortSignal; onProgress: (message: string) => void },
): Promise<PurgeResult[]> {
  const results = plans.map((o): PurgeResult => ({ agentId: o.agentId, host: o.hostname, path: o.path, outcome: 'failed', bytes: 0, entriesRemoved: 0, error: null }));
  const outcomes = await runByAgent(
    plans,
    { agentOf: (o) => o.agentId, concurrency: agents.settings.concurrency, signal: options.signal, failFast: false },
    async (o) => {
      const target = agents.target({ id: o.agentId, host: o.hostname });
      const step = await options.journal.runStep(
        purgeItem(o),
        REMOVE,
        async () => {
          options.onProgress(`removing ${o.path} on ${o.hostname}`);
          const removed = await agents.fs.removeDirectory(target, o.path, { timeoutMs: LONG_STEP_MS });
          return { removed: removed.removed, bytes: o.bytes };
        },
        { started: { agent: o.agentId, path: o.path } },
      );
      const result = results[plans.indexOf(o)] as PurgeResult;
      result.outcome = 'removed';
      result.bytes = typeof step.detail?.bytes === 'number' ? step.detail.bytes : 0;
      result.entriesRemoved = typeof step.detail?.removed === 'number' ? step.detail.removed : 0;
    },
  );
  outcomes.forEach((outcome, i) => {
    const result = results[i] as PurgeResult;
    if (outcome.status === 'not-started') [result.outcome, result.error] = ['interrupted', 'not started'];
    if (outcome.status === 'failed') [result.outcome, result.error] = ['failed', outcome.error];
  });
  return results;
}
