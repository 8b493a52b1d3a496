import { launchedCount, recordDeployment, settleDeployments, stepsOfDeployment } from './deployments.js';
import { nextIncarnationId, sequentialUuid } from './ids.js';
import { hostPathOf } from './sandbox.js';
import { addTask, reservationIndexOf } from './scenario-builder.js';
import type { MockAgent, MockApp, MockDeployment, MockState, MockTask } from './types.js';

/**
 * What Marathon (and, for reservations, the Mesos master) do on kill, wipe, scale and delete
 * (../shared/reference/marathon/README.md §c, §d). Pure state changes; the HTTP layer renders the results.
 */

export interface KillFlags {
  scale: boolean;
  wipe: boolean;
  force: boolean;
}

/** A volume directory a fresh reservation needs on an agent's disk. */
export interface NewVolumeDir {
  agentId: string;
  hostPath: string;
}

export type KillOutcome =
  | { kind: 'tasks'; before: MockTask[]; newVolumes: NewVolumeDir[]; destroyedVolumes?: DestroyedVolumeDir[] }
  | { kind: 'deployment'; deployment: MockDeployment; newVolumes: NewVolumeDir[] };

export class LockedError extends Error {
  constructor(readonly deployments: MockDeployment[]) {
    super('App is locked by one or more deployments.');
  }
}

const MUTATION_NODE = '11ee-b000-0242ac13000f';

const nowIso = () => new Date().toISOString();

function isAgentActive(state: MockState, agentId: string): boolean {
  const agent = state.agents.find((a) => a.id === agentId);
  return agent !== undefined && !agent.lost && !agent.down;
}

/** Instances the app wants running: everything but the waiting (scaled-down) tasks. */
function wantedCount(state: MockState, appId: string): number {
  return launchedCount(state, appId);
}

function lockingDeployments(state: MockState, appIds: string[]): MockDeployment[] {
  return state.deployments.filter((d) => d.affectedApps.some((id) => appIds.includes(id)));
}

/** 409 unless `force`, which cancels the conflicting deployments (AppLockedException). */
function takeLock(state: MockState, appIds: string[], force: boolean): void {
  const locking = lockingDeployments(state, appIds);
  if (locking.length === 0) return;
  if (!force) throw new LockedError(locking);
  state.deployments = state.deployments.filter((d) => !locking.includes(d));
}

/** `instances` of each app now: the rollback target of the deployment about to be made. */
function instancesOf(state: MockState, appIds: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of appIds) {
    const app = state.apps.find((a) => a.id === id);
    if (app) out[id] = app.instances;
  }
  return out;
}

const scaleSteps = (appIds: string[]) => [appIds.map((app) => ({ action: 'ScaleApplication' as const, app }))];

const snapshot = (tasks: MockTask[]) => tasks.map((t) => ({ ...t, ports: [...t.ports], localVolumes: [...t.localVolumes] }));

/** The kill family of endpoints once the matching tasks are known. */
export function killTasks(state: MockState, matches: MockTask[], flags: KillFlags): KillOutcome {
  const before = snapshot(matches);
  const appIds = [...new Set(matches.map((t) => t.appId))];
  if (flags.scale) {
    takeLock(state, appIds, flags.force);
    const original = instancesOf(state, appIds);
    for (const task of matches) {
      // scale=true only considers launched tasks: a waiting task cannot be removed this way.
      const launched = task.kind === 'running' || (task.kind === 'unreachable' && state.flavour !== '1.1');
      if (!launched) continue;
      const app = state.apps.find((a) => a.id === task.appId);
      if (app) app.instances = Math.max(0, app.instances - 1);
      if (task.kind === 'running') stopTask(state, task);
    }
    // The ScaleApplication step also launches what the app misses (instances wiped earlier, for one).
    const newVolumes = appIds.flatMap((id) => launchMissing(state, id));
    return { kind: 'deployment', deployment: recordDeployment(state, scaleSteps(appIds), original), newVolumes };
  }
  if (flags.wipe) {
    const wiped = new Set(matches);
    const destroyedVolumes: DestroyedVolumeDir[] = [];
    for (const task of matches) {
      const r = reservationIndexOf(state, task);
      // The reconciler destroys + unreserves on the agent's next offer; a lost agent never offers again.
      if (r < 0 || !isAgentActive(state, task.agentId)) continue;
      const [reservation] = state.reservations.splice(r, 1);
      // Mesos ≥ 1.0 deletes a destroyed volume's data on the agent (0.28 kept it).
      if (reservation && destroyRemovesData(state.mesosVersion)) {
        for (const v of reservation.volumes) {
          destroyedVolumes.push({ agentId: reservation.agentId, hostPath: hostPathOf(reservation.role, v), keepRoot: v.source?.type === 'MOUNT' });
        }
      }
    }
    // No relaunch here: Marathon replaces wiped instances on its periodic scale check (5 min), not at once.
    state.tasks = state.tasks.filter((t) => !wiped.has(t));
    return { kind: 'tasks', before, newVolumes: [], destroyedVolumes };
  }
  const newVolumes: NewVolumeDir[] = [];
  for (const task of matches) {
    // 1.1–1.7 route plain kills through the app lock: during a deployment they are skipped, yet answer 200.
    if (state.flavour !== '1.10' && lockingDeployments(state, [task.appId]).length > 0) continue;
    if (task.kind !== 'running') continue;
    if (task.reservationLabel) restartOnReservation(state, task);
    else {
      state.tasks = state.tasks.filter((t) => t !== task);
      newVolumes.push(...launchMissing(state, task.appId));
    }
  }
  return { kind: 'tasks', before, newVolumes };
}

/** A volume directory the agent deletes on DESTROY; a MOUNT disk's root itself stays (only emptied). */
export interface DestroyedVolumeDir {
  agentId: string;
  hostPath: string;
  keepRoot: boolean;
}

/** DESTROY removes the data from Mesos 1.0 on (docs/persistent-volume.md); before, only the metadata went. */
export function destroyRemovesData(mesosVersion: string): boolean {
  const major = Number(/^(\d+)\./.exec(mesosVersion)?.[1] ?? NaN);
  return !Number.isFinite(major) || major >= 1;
}

/** A running task ends: resident ones keep their reservation and become waiting, others disappear. */
function stopTask(state: MockState, task: MockTask): void {
  if (!task.reservationLabel) {
    state.tasks = state.tasks.filter((t) => t !== task);
    return;
  }
  task.kind = 'waiting';
  task.mesosState = 'TASK_KILLED';
  task.ports = [];
}

/** A waiting task launches again on its reservation: a new incarnation (1.1 reuses the id). */
export function restartOnReservation(state: MockState, task: MockTask): void {
  const now = nowIso();
  task.id = nextIncarnationId(state.flavour, task.id);
  task.kind = 'running';
  task.mesosState = 'TASK_RUNNING';
  task.stagedAt = now;
  task.startedAt = now;
  state.sequence += 1;
  task.ports = [31000 + (state.sequence % 1000)];
}

/** Marathon keeps launching until the app has `instances` non-waiting tasks, each on a fresh reservation. */
export function launchMissing(state: MockState, appId: string): NewVolumeDir[] {
  const app = state.apps.find((a) => a.id === appId);
  if (!app) return [];
  const created: NewVolumeDir[] = [];
  let missing = app.instances - wantedCount(state, appId);
  // Scaled-down tasks on live agents resume on their reservations first.
  for (const task of state.tasks) {
    if (missing <= 0) break;
    if (task.appId !== appId || task.kind !== 'waiting' || !isAgentActive(state, task.agentId)) continue;
    restartOnReservation(state, task);
    missing -= 1;
  }
  for (; missing > 0; missing--) {
    const agent = pickAgent(state, app);
    if (!agent) break;
    created.push(...launchFresh(state, app, agent));
  }
  return created;
}

/**
 * Whether an offer from the agent could hold one more instance: unreserved cpus/mem left after every reservation
 * and every stateless task, and disk for the sandbox plus root/path volumes (mount volumes take a whole MOUNT disk).
 */
function hasRoom(state: MockState, agent: MockAgent, app: MockApp): boolean {
  let cpus = agent.resources.cpus;
  let mem = agent.resources.mem;
  let disk = agent.resources.disk;
  for (const r of state.reservations) {
    if (r.agentId !== agent.id) continue;
    cpus -= r.cpus;
    mem -= r.mem;
    for (const v of [...r.volumes, ...(r.plainDisks ?? [])]) if (!v.source) disk -= v.sizeMb;
  }
  const apps = new Map(state.apps.map((a) => [a.id, a]));
  for (const t of state.tasks) {
    if (t.agentId !== agent.id || t.kind !== 'running' || t.reservationLabel) continue;
    cpus -= apps.get(t.appId)?.cpus ?? 0;
    mem -= apps.get(t.appId)?.mem ?? 0;
  }
  const needDisk = app.disk + app.volumes.reduce((acc, v) => acc + (v.type === 'mount' ? 0 : v.sizeMb), 0);
  const eps = 1e-9;
  return cpus + eps >= app.cpus && mem + eps >= app.mem && disk + eps >= needDisk;
}

function pickAgent(state: MockState, app: MockApp): MockAgent | undefined {
  const load = new Map<string, number>();
  for (const t of state.tasks) if (t.appId === app.id) load.set(t.agentId, (load.get(t.agentId) ?? 0) + 1);
  const candidates = state.agents.filter((a) => !a.lost && !a.down && (!a.public || app.volumes.some((v) => v.type === 'mount')) && hasRoom(state, a, app));
  return candidates.sort((a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0))[0];
}

function launchFresh(state: MockState, app: MockApp, agent: MockAgent): NewVolumeDir[] {
  const uuids = app.volumes.map(() => {
    state.sequence += 1;
    return sequentialUuid(0xa0000000 + state.sequence, MUTATION_NODE);
  });
  state.sequence += 1;
  const uuid = sequentialUuid(0xa0000000 + state.sequence, MUTATION_NODE);
  const now = nowIso();
  const mountRoot = app.volumes.some((v) => v.type === 'mount') ? '/dcos/volume0' : undefined;
  const task = addTask(state, {
    app,
    agent,
    kind: 'running',
    uuid,
    volumeUuids: uuids,
    incarnation: 1,
    stagedAt: now,
    startedAt: now,
    ports: [31000 + (state.sequence % 1000)],
    ipAddresses: [`127.3.${Math.floor(state.sequence / 250) % 250}.${(state.sequence % 250) + 1}`],
    ...(mountRoot ? { mountRoot } : {}),
  });
  const r = state.reservations[reservationIndexOf(state, task)];
  return (r?.volumes ?? []).map((v) => ({ agentId: agent.id, hostPath: hostPathOf(r?.role ?? task.role, v) }));
}

/** PUT /v2/apps/{id} with a new `instances`: scale down youngest-first to waiting, scale up by resuming. */
export function scaleApp(state: MockState, app: MockApp, instances: number, force: boolean): KillOutcome {
  takeLock(state, [app.id], force);
  const original = instancesOf(state, [app.id]);
  app.instances = instances;
  const running = state.tasks
    .filter((t) => t.appId === app.id && t.kind === 'running')
    .sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
  let excess = wantedCount(state, app.id) - instances;
  for (const task of running) {
    if (excess <= 0) break;
    stopTask(state, task);
    excess -= 1;
  }
  const newVolumes = launchMissing(state, app.id);
  app.version = nowIso();
  return { kind: 'deployment', deployment: recordDeployment(state, scaleSteps([app.id]), original), newVolumes };
}

/** Volume data Mesos deletes on DESTROY: the directory, or only the contents of a MOUNT disk's root. */
export interface DeletedVolumeData {
  agentId: string;
  hostPath: string;
  keepRoot: boolean;
}

/** Mesos deletes a destroyed volume's data from 1.0 on; older agents keep the directory (orphaned data). */
function destroysData(state: MockState): boolean {
  return Number.parseInt(state.mesosVersion, 10) >= 1;
}

/**
 * DELETE /v2/apps/{id}: the tasks are killed and forgotten; the reconciler DESTROYs every volume and UNRESERVEs
 * the resources of the app's reservations on live agents (on their next offer, immediate here). A lost agent never
 * offers again, so its reservations and data stay.
 */
export function deleteApp(state: MockState, app: MockApp): { deployment: MockDeployment; deletedData: DeletedVolumeData[] } {
  const deletedData: DeletedVolumeData[] = [];
  const tasks = state.tasks.filter((t) => t.appId === app.id);
  for (const task of tasks) {
    const r = reservationIndexOf(state, task);
    if (r < 0 || !isAgentActive(state, task.agentId)) continue;
    const [reservation] = state.reservations.splice(r, 1);
    for (const v of reservation?.volumes ?? []) {
      const hostPath = hostPathOf(reservation?.role ?? task.role, v);
      if (destroysData(state)) deletedData.push({ agentId: task.agentId, hostPath, keepRoot: v.source?.type === 'MOUNT' });
      else (state.strayVolumes ??= []).push({ agentId: task.agentId, role: reservation?.role ?? task.role, persistenceId: v.persistenceId, containerPath: v.containerPath });
    }
  }
  state.tasks = state.tasks.filter((t) => t.appId !== app.id);
  state.apps = state.apps.filter((a) => a !== app);
  // force defaults to true on app delete: its deployments are cancelled.
  state.deployments = state.deployments.filter((d) => !d.affectedApps.includes(app.id));
  return { deployment: recordDeployment(state, [[{ action: 'StopApplication', app: app.id }]], {}), deletedData };
}

/**
 * Marathon retries a stalled scale-up on every offer: after any change that may have freed room, launch what the
 * running deployments still miss and drop the deployments that reached their goal.
 */
export function progressDeployments(state: MockState): NewVolumeDir[] {
  const created: NewVolumeDir[] = [];
  for (const d of state.deployments) {
    if (d.until !== 'launched') continue;
    for (const appId of d.affectedApps) created.push(...launchMissing(state, appId));
  }
  settleDeployments(state);
  return created;
}

/**
 * DELETE /v2/deployments/{id} without force: Marathon cancels the plan and deploys its revert (the affected apps
 * back to their `instances` before it), as a new deployment.
 */
export function rollbackDeployment(
  state: MockState,
  deployment: MockDeployment,
): { deployment: MockDeployment; newVolumes: NewVolumeDir[]; deletedData: DeletedVolumeData[] } {
  state.deployments = state.deployments.filter((d) => d !== deployment);
  const original = deployment.original ?? {};
  // Apps the plan created are not in the original: the revert removes them.
  const created = stepsOfDeployment(deployment).flat().filter((a) => a.action === 'StartApplication').map((a) => a.app);
  const deletedData: DeletedVolumeData[] = [];
  for (const app of state.apps.filter((a) => created.includes(a.id))) {
    const removal = deleteApp(state, app);
    deletedData.push(...removal.deletedData);
    state.deployments = state.deployments.filter((d) => d !== removal.deployment);
  }
  const apps = Object.keys(original).flatMap((id) => state.apps.filter((a) => a.id === id));
  const before = instancesOf(state, apps.map((a) => a.id));
  const newVolumes: NewVolumeDir[] = [];
  for (const app of apps) {
    const outcome = scaleApp(state, app, original[app.id] ?? app.instances, true);
    newVolumes.push(...outcome.newVolumes);
    // scaleApp recorded one deployment per app; the revert is one plan.
    if (outcome.kind === 'deployment') state.deployments = state.deployments.filter((d) => d !== outcome.deployment);
  }
  const steps = apps.length > 0 ? scaleSteps(apps.map((a) => a.id)) : [deployment.affectedApps.map((app) => ({ action: 'ScaleApplication' as const, app }))];
  return { deployment: recordDeployment(state, steps, before), newVolumes, deletedData };
}

/**
 * POST /v2/apps (or PUT of an unknown id): the app is stored, then its deployment runs — StartApplication
 * (0 instances), then ScaleApplication, which for a resident app reserves and creates volumes on agents with room
 * and launches on them. The app must not exist yet (the caller answers 409).
 */
export function createApp(state: MockState, app: MockApp, force: boolean): { deployment: MockDeployment; newVolumes: NewVolumeDir[] } {
  takeLock(state, [app.id], force);
  state.apps.push(app);
  const newVolumes = launchMissing(state, app.id);
  const steps = [[{ action: 'StartApplication' as const, app: app.id }], [{ action: 'ScaleApplication' as const, app: app.id }]];
  return { deployment: recordDeployment(state, steps, {}), newVolumes };
}

/**
 * PUT /v2/apps/{id} changing more than `instances`: the new definition replaces the old one and every launched
 * task restarts with it (RestartApplication); a resident task restarts on its own reservation.
 */
export function restartApp(state: MockState, app: MockApp, next: MockApp, force: boolean): { deployment: MockDeployment; newVolumes: NewVolumeDir[] } {
  takeLock(state, [app.id], force);
  const original = instancesOf(state, [app.id]);
  const index = state.apps.indexOf(app);
  state.apps[index] = next;
  for (const task of state.tasks.filter((t) => t.appId === app.id && t.kind === 'running')) {
    if (task.reservationLabel) restartOnReservation(state, task);
    else state.tasks = state.tasks.filter((t) => t !== task);
    task.version = next.version;
  }
  const running = state.tasks.filter((t) => t.appId === app.id && t.kind === 'running').sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
  let excess = launchedCount(state, app.id) - next.instances;
  for (const task of running) {
    if (excess <= 0) break;
    stopTask(state, task);
    excess -= 1;
  }
  const newVolumes = launchMissing(state, app.id);
  return { deployment: recordDeployment(state, [[{ action: 'RestartApplication', app: app.id }]], original), newVolumes };
}
