import type { AgentAccess } from '../../agent/access.js';
import { fanOutByAgent } from '../../agent/fanout.js';
import { FenceRefusal } from '../../agent/operations.js';
import type { AgentTarget } from '../../agent/settings.js';
import { SudoRefusedError } from '../../agent/ssh-errors.js';
import type { ClusterClients } from '../../context/context.js';
import type { MesosAgent } from '../../model/mesos.js';
import { CliError, isCliError, messageOf } from '../../core/errors.js';
import { decodeRoleDir, orphanProblem, type OrphanData } from '../../domain/orphan-data.js';
import { notOrphan, type MarathonClaims } from '../../domain/orphan-evidence.js';
import { remotePathProblem } from '../../domain/remote-path.js';
import type { Journal } from '../../journal/journal.js';
import type { PlannedRefusal } from '../../domain/wipe-plan.js';
import { runByAgent } from '../agent-batches.js';
import { readMarathonView } from './find.js';

/** Journal names: one item per directory, one step. */
export const purgeItem = (o: Pick<OrphanData, 'agentId' | 'path'>) => `${o.agentId}:${o.path}`;
const REMOVE = 'remove';

/** A big directory takes long to delete; the SSH connect timeout still applies. */
const LONG_STEP_MS = 6 * 60 * 60 * 1000;

/** A directory as planned: what preflight saw of it on the agent. */
export interface PurgePlan extends OrphanData {
  /** `device:inode` at preflight; the agent-side fence refuses if the directory is another one by then. */
  deviceInode: string | null;
  /** The journal says an earlier run removed it, but it is on disk again: it is removed again. */
  again: boolean;
}

/**
 * - removed: gone, as the agent reported; removed-unconfirmed: the agent's report was lost, and a
 *   re-inspection found the directory gone
 * - refused: a re-check right before the remove said no (the master or Marathon now claims it, the
 *   agent-side fence saw it in use, replaced or behind a symlink); nothing was deleted
 * - failed: the remove failed; `bytes`/`entriesRemoved` say what is gone all the same
 * - interrupted: not reached (Ctrl-C)
 */
export type PurgeOutcome = 'removed' | 'removed-unconfirmed' | 'refused' | 'failed' | 'interrupted';

export interface PurgeResult {
  agentId: string;
  host: string;
  path: string;
  outcome: PurgeOutcome;
  /** What is gone: reported by the agent, or what a re-inspection after a lost report found missing. */
  bytes: number;
  entriesRemoved: number;
  /** false: the remove ran but its report was lost; the directory was re-inspected. null: not removed. */
  confirmed: boolean | null;
  /** Removed again although the journal said an earlier run had removed it (it was back on disk). */
  again: boolean;
  error: string | null;
}

/** The world as it is now, for the directories of one agent. */
interface FreshEvidence {
  agent: MesosAgent | undefined;
  claims: MarathonClaims | null;
  workDir: string | undefined;
}

/**
 * Why a directory must not be removed now (empty: it may): the master (a complete listing of the agent)
 * and Marathon (every task of every app, every pod instance) still do not have it, and its work_dir is
 * unchanged. Asked at preflight and again right before each removal.
 */
function recheckReasons(o: OrphanData, fresh: FreshEvidence): string[] {
  const roleDir = o.path.split('/').at(-2) ?? '';
  const reasons: string[] = [];
  const claimed = notOrphan({ workDir: o.workDir, roleDir, persistenceId: o.persistenceId }, { agent: fresh.agent, claims: fresh.claims });
  if (claimed) reasons.push(claimed.reason);
  if (fresh.workDir !== o.workDir) reasons.push(`the agent's work_dir is now ${fresh.workDir ?? 'unknown'}, not ${o.workDir}`);
  const entry = { name: o.persistenceId, type: 'directory', isSymlink: false, isMountPoint: false } as const;
  const staticProblem = orphanProblem(o.workDir, decodeRoleDir(roleDir), entry, o.path);
  if (staticProblem) reasons.push(staticProblem);
  return reasons;
}

/** The master's entry of each agent, Marathon's claims and each agent's work_dir, read now. Failures are null/undefined. */
async function readFresh(clients: ClusterClients, agentIds: readonly string[]): Promise<{ byAgent: Map<string, FreshEvidence>; problems: string[] }> {
  const problems: string[] = [];
  const [slaves, view, flags] = await Promise.all([
    clients.mesos.slaves([...agentIds]).catch((e: unknown) => {
      problems.push(`could not re-read the Mesos master's /slaves: ${messageOf(e)}`);
      return undefined;
    }),
    readMarathonView(clients).catch((e: unknown) => {
      problems.push(`could not re-read Marathon: ${messageOf(e)}; whether a task still lists the persistence id is unknown`);
      return undefined;
    }),
    Promise.all(agentIds.map((id) => clients.mesos.agentFlags(id).then((f) => f.work_dir, () => undefined))),
  ]);
  const byAgent = new Map<string, FreshEvidence>();
  agentIds.forEach((id, i) => {
    byAgent.set(id, { agent: slaves?.slaves.find((a) => a.id === id), claims: view?.claims ?? null, workDir: flags[i] });
  });
  return { byAgent, problems };
}

/**
 * Right before deleting, everything is checked again, per agent: the master still lists the agent with
 * a complete listing and still has no volume with that role and id there (nor that id under another
 * role), Marathon lists no task or pod instance with that persistence id, its work_dir is unchanged, the
 * name passes Mesos's rules and the path is exactly `<work_dir>/volumes/roles/<role>/<id>`, and over SSH
 * it is a real directory on the roles directory's filesystem. Any doubt refuses that directory. The
 * journal never overrides the disk: a directory it says was removed but that is there again is planned.
 */
export async function preflightPurge(
  clients: ClusterClients,
  agents: AgentAccess,
  orphans: OrphanData[],
  options: { journal: Journal; signal: AbortSignal },
): Promise<{ plans: PurgePlan[]; refusals: PlannedRefusal[] }> {
  const agentIds = [...new Set(orphans.map((o) => o.agentId))];
  const fresh = await readFresh(clients, agentIds);
  const groups = await fanOutByAgent(
    orphans,
    (o) => agents.target({ id: o.agentId, host: o.hostname }),
    async (target, group, signal) => agents.fs.inspect(target, group.map((o) => o.path), { signal }),
    { concurrency: agents.settings.concurrency, perAgentTimeoutMs: agents.settings.perAgentTimeoutMs, signal: options.signal },
  );
  const plans: PurgePlan[] = [];
  const refusals: PlannedRefusal[] = [];
  for (const { outcome } of groups) if (!outcome.ok && outcome.error instanceof SudoRefusedError) throw outcome.error; // exit 6, nothing touched
  groups.forEach(({ items, outcome }) => {
    const agentId = items[0]?.agentId as string;
    items.forEach((o, j) => {
      const reasons = [...fresh.problems];
      if (!outcome.ok) reasons.push(`preflight on the agent failed: ${outcome.error.message}`);
      else {
        reasons.push(...recheckReasons(o, fresh.byAgent.get(agentId) as FreshEvidence));
        const facts = outcome.value[j] ?? { stat: null };
        const journaled = options.journal.isDone(purgeItem(o), REMOVE);
        const remote = remotePathProblem(o.path, facts, { mountRoot: false, alreadyDeleted: journaled && facts.stat === null, removeDirectory: true });
        if (remote) reasons.push(remote);
        else if (reasons.length === 0) {
          const stat = facts.stat;
          plans.push({
            ...o,
            ...(facts.size ? { bytes: facts.size.bytes, entries: facts.size.entries } : {}),
            deviceInode: stat?.device !== undefined && stat.inode !== undefined ? `${stat.device}:${stat.inode}` : null,
            again: journaled && stat !== null,
          });
        }
      }
      if (reasons.length > 0) refusals.push({ item: `${o.hostname} ${o.path}`, reasons: [...new Set(reasons)] });
    });
  });
  return { plans, refusals };
}

/**
 * Removes each planned directory, journaled; agents in parallel, one agent's directories in order. Right
 * before each one the master, Marathon and the agent's work_dir are read again (recheckReasons), then the
 * remove runs behind the agent-side fence in the same SSH command: every path component from work_dir
 * down must be a real directory, the directory the one inspected at preflight, and no container mount or
 * process may use it.
 */
export async function executePurge(
  clients: ClusterClients,
  agents: AgentAccess,
  plans: PurgePlan[],
  options: { journal: Journal; signal: AbortSignal; onProgress: (message: string) => void; onDone?: (result: PurgeResult) => void },
): Promise<PurgeResult[]> {
  const results = plans.map(
    (o): PurgeResult => ({ agentId: o.agentId, host: o.hostname, path: o.path, outcome: 'failed', bytes: 0, entriesRemoved: 0, confirmed: null, again: o.again, error: null }),
  );
  const outcomes = await runByAgent(
    plans,
    {
      agentOf: (o) => o.agentId,
      concurrency: agents.settings.concurrency,
      signal: options.signal,
      failFast: false,
      onItemDone: (i) => options.onDone?.(results[i] as PurgeResult),
    },
    async (o) => {
      const result = results[plans.indexOf(o)] as PurgeResult;
      const item = purgeItem(o);
      if (options.journal.isDone(item, REMOVE) && !o.again) {
        // Planned as already gone (absent now, removed by an earlier run): report what that run did.
        recordRemoved(result, options.journal.doneDetail(item, REMOVE));
        return;
      }
      const fresh = await readFresh(clients, [o.agentId]);
      const reasons = [...fresh.problems, ...recheckReasons(o, fresh.byAgent.get(o.agentId) as FreshEvidence)];
      if (reasons.length > 0) {
        [result.outcome, result.error] = ['refused', `refused right before removing: ${[...new Set(reasons)].join('; ')}; nothing was deleted`];
        options.journal.record(item, 'recheck', 'failed', { reasons });
        return;
      }
      const target = agents.target({ id: o.agentId, host: o.hostname });
      try {
        const step = await options.journal.runStep(
          item,
          REMOVE,
          async () => {
            options.onProgress(`removing ${o.path} on ${o.hostname}`);
            return removeFenced(agents, target, o);
          },
          { started: { agent: o.agentId, path: o.path }, again: o.again },
        );
        recordRemoved(result, step.detail);
      } catch (e) {
        if (e instanceof FenceRefusal) [result.outcome, result.error] = ['refused', e.message];
        else if (e instanceof LostReport) [result.outcome, result.error, result.bytes, result.entriesRemoved] = ['failed', e.message, e.bytesGone, e.entriesGone];
        else throw e;
      }
    },
  );
  outcomes.forEach((outcome, i) => {
    const result = results[i] as PurgeResult;
    if (outcome.status === 'not-started') [result.outcome, result.error] = ['interrupted', 'not started'];
    if (outcome.status === 'failed') [result.outcome, result.error] = ['failed', outcome.error];
  });
  return results;
}

function recordRemoved(result: PurgeResult, detail: Record<string, unknown> | undefined): void {
  const confirmed = detail?.confirmed !== false;
  result.outcome = confirmed ? 'removed' : 'removed-unconfirmed';
  result.confirmed = confirmed;
  result.bytes = typeof detail?.bytes === 'number' ? detail.bytes : 0;
  result.entriesRemoved = typeof detail?.removed === 'number' ? detail.removed : 0;
  if (!confirmed && typeof detail?.lostReport === 'string') result.error = `the agent's report was lost (${detail.lostReport}); re-inspected: the directory is gone`;
}

/** The remove ran (or may have) but its report was lost, and the directory is still there. */
class LostReport extends CliError {
  constructor(
    message: string,
    readonly bytesGone: number,
    readonly entriesGone: number,
  ) {
    super('remote', message);
  }
}

/**
 * The fenced remove. When the command ran but its report was lost (connection dropped, output cut), the
 * directory is inspected again: gone is reported as removed, not confirmed; still there says how much of
 * it is gone — never a failure of 0 bytes for data that no longer exists.
 */
async function removeFenced(agents: AgentAccess, target: AgentTarget, o: PurgePlan): Promise<Record<string, unknown>> {
  const fence = { base: o.workDir, ...(o.deviceInode ? { expect: o.deviceInode } : {}) };
  try {
    const removed = await agents.fs.removeDirectoryFenced(target, o.path, fence, { timeoutMs: LONG_STEP_MS });
    return { removed: removed.removed, bytes: o.bytes, confirmed: true };
  } catch (e) {
    if (e instanceof FenceRefusal || (isCliError(e) && (e.kind === 'refused' || e.kind === 'not-found'))) throw e;
    let now;
    try {
      [now] = await agents.fs.inspect(target, [o.path]);
    } catch {
      throw new CliError('remote', `${messageOf(e)}; the directory could not be re-inspected: whether anything was removed is unknown (re-run to re-inspect)`);
    }
    if (now?.stat === null) return { removed: o.entries ?? 0, bytes: o.bytes, confirmed: false, lostReport: messageOf(e) };
    const entries = now?.size?.entries;
    const entriesGone = o.entries !== null && entries !== undefined ? Math.max(0, o.entries - entries) : 0;
    const bytesGone = o.bytes !== null && now?.size ? Math.max(0, o.bytes - now.size.bytes) : 0;
    throw new LostReport(
      `${messageOf(e)}; re-inspected: ${entriesGone} of ${o.entries ?? '?'} entries (${bytesGone} bytes) are gone, ${entries ?? '?'} remain`,
      bytesGone,
      entriesGone,
    );
  }
}
