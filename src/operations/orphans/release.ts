import type { ClusterClients } from '../../context/context.js';
import type { MesosOperatorCall } from '../../model/mesos.js';
import { describeReservation, type OrphanReservation } from '../../domain/orphan-reservations.js';
import type { Journal } from '../../journal/journal.js';
import type { PlannedRefusal } from '../../domain/wipe-plan.js';
import { runByAgent } from '../agent-batches.js';
import { orphanReservationsOf, readMarathonView } from './find.js';
import { messageOf } from '../../core/errors.js';

export interface ReleaseResult {
  key: string;
  /** Role, framework and task label, for people. */
  reservation: string;
  agentId: string;
  host: string;
  /** refused: right before its first call it was no longer an orphan (or blocked); nothing was sent. */
  outcome: 'released' | 'refused' | 'failed' | 'interrupted';
  error: string | null;
}

const stepOf = (call: MesosOperatorCall) => (call.type === 'DESTROY_VOLUMES' ? 'destroy' : 'unreserve');
const VERIFY = 'verify';
const CONFIRM_ATTEMPTS = 10;
const CONFIRM_DELAY_MS = 300;

/**
 * Right before releasing, Marathon and the master are read again: each reservation must still be an
 * orphan, unchanged, and not blocked (in use, or another framework that is still registered). The calls
 * of the plan are rebuilt from this fresh listing, so they carry the resources exactly as Mesos has them now.
 */
export async function preflightRelease(
  clients: ClusterClients,
  reservations: OrphanReservation[],
): Promise<{ plans: OrphanReservation[]; refusals: PlannedRefusal[] }> {
  const refusals: PlannedRefusal[] = reservations
    .filter((r) => r.blocked !== null)
    .map((r) => ({ item: `${r.hostname} ${describeReservation(r)}`, reasons: [r.blocked as string] }));
  const candidates = reservations.filter((r) => r.blocked === null);
  if (candidates.length === 0) return { plans: [], refusals };
  const [view, slaves] = await Promise.all([readMarathonView(clients), clients.mesos.slaves([...new Set(candidates.map((r) => r.agentId))])]);
  const fresh = new Map((await orphanReservationsOf(clients, slaves, view)).reservations.map((r) => [r.key, r]));
  const plans: OrphanReservation[] = [];
  for (const r of candidates) {
    const now = fresh.get(r.key);
    if (now === undefined) refusals.push({ item: `${r.hostname} ${describeReservation(r)}`, reasons: ['no longer an orphan: Marathon or the master changed since it was found'] });
    else if (now.blocked !== null) refusals.push({ item: `${r.hostname} ${describeReservation(r)}`, reasons: [now.blocked] });
    else plans.push(now);
  }
  return { plans, refusals };
}

/**
 * Sends each reservation's calls in order (DESTROY_VOLUMES, UNRESERVE_RESOURCES), journaled, and confirms
 * by re-reading the agent's reservations: a 202 only means the master forwarded the operation.
 */
export async function executeRelease(
  clients: ClusterClients,
  plans: OrphanReservation[],
  options: { journal: Journal; signal: AbortSignal; concurrency: number; onProgress: (message: string) => void },
): Promise<ReleaseResult[]> {
  const results = plans.map((r): ReleaseResult => ({ key: r.key, reservation: describeReservation(r), agentId: r.agentId, host: r.hostname, outcome: 'failed', error: null }));
  const outcomes = await runByAgent(
    plans,
    { agentOf: (r) => r.agentId, concurrency: options.concurrency, signal: options.signal, failFast: false },
    async (r, stop) => {
      const result = results[plans.indexOf(r)] as ReleaseResult;
      if (!r.calls.every((call) => options.journal.isDone(r.key, stepOf(call)))) {
        const refusal = await stillOrphan(clients, r);
        if (refusal) {
          [result.outcome, result.error] = ['refused', `refused right before releasing: ${refusal}; nothing was sent`];
          options.journal.record(r.key, 'recheck', 'failed', { reason: refusal });
          return;
        }
      }
      for (const call of r.calls) {
        if (stop()) return;
        await options.journal.runStep(
          r.key,
          stepOf(call),
          async () => {
            options.onProgress(`${r.key}: POST ${clients.mesos.operatorUrl} ${call.type}`);
            const answer = await clients.mesos.operatorCall(call);
            if (call.type === 'DESTROY_VOLUMES') await waitUntil(clients, r, (now) => now === undefined || now.volumes.length === 0, 'its volumes are still listed after DESTROY_VOLUMES');
            return { status: answer.status };
          },
          { started: { request: `POST ${clients.mesos.operatorUrl} ${call.type}` } },
        );
      }
      await options.journal.runStep(r.key, VERIFY, async () => {
        await waitUntil(clients, r, (now) => now === undefined, 'the master still lists the reservation after UNRESERVE_RESOURCES');
        return undefined;
      });
      result.outcome = 'released';
    },
  );
  outcomes.forEach((outcome, i) => {
    const result = results[i] as ReleaseResult;
    if (outcome.status === 'failed') [result.outcome, result.error] = ['failed', outcome.error];
    else if (result.outcome !== 'released' && result.outcome !== 'refused') [result.outcome, result.error] = ['interrupted', outcome.status === 'not-started' ? 'not started' : 'stopped between calls'];
  });
  return results;
}

/** Why the reservation must not be released now (Marathon and the agent's listing read fresh), or undefined. */
async function stillOrphan(clients: ClusterClients, r: OrphanReservation): Promise<string | undefined> {
  let now;
  try {
    const [view, slaves] = await Promise.all([readMarathonView(clients), clients.mesos.slaves([r.agentId])]);
    now = (await orphanReservationsOf(clients, slaves, view)).reservations.find((x) => x.key === r.key);
  } catch (e) {
    return `could not re-read Marathon and the master: ${messageOf(e)}`;
  }
  if (now === undefined) return 'no longer an orphan: Marathon or the master changed since the plan';
  return now.blocked ?? undefined;
}

/** Re-read the agent's reservations until `done` holds for this one (by agent, role and labels). */
async function waitUntil(
  clients: ClusterClients,
  r: OrphanReservation,
  done: (now: { volumes: unknown[] } | undefined) => boolean,
  failure: string,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const slaves = await clients.mesos.slaves([r.agentId]);
    const agent = slaves.slaves.find((a) => a.id === r.agentId);
    const same = Object.values(agent?.reserved_resources_full ?? {})
      .flat()
      .filter((res) => JSON.stringify(res.reservations ?? res.reservation) === JSON.stringify(r.resources[0]?.reservations ?? r.resources[0]?.reservation));
    const now = same.length === 0 ? undefined : { volumes: same.filter((res) => res.disk?.persistence !== undefined) };
    if (done(now)) return;
    if (attempt >= CONFIRM_ATTEMPTS) throw new Error(failure);
    await new Promise((resolve) => setTimeout(resolve, CONFIRM_DELAY_MS));
  }
}
