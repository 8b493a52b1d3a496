import { http, type RequestHandler } from 'msw';
import { queryFlag, type MockContext } from './handler-context.js';
import { instanceKey, isParsableTaskId } from './ids.js';
import { needsRestart, readAppDefinition } from './app-definition.js';
import {
  LockedError,
  createApp,
  deleteApp,
  killTasks,
  progressDeployments,
  restartApp,
  rollbackDeployment,
  scaleApp,
  type DeletedVolumeData,
  type KillFlags,
  type KillOutcome,
} from './marathon-ops.js';
import { MARATHON_PREFIX, agentMap, appNotFound, leaderAddress, lockedBody, marathonError, mjson, parseAppsPath } from './marathon-http.js';
import { deleteVolumeData } from './sandbox.js';
import { renderApp, renderInstance14, renderTask, type Json } from './render-marathon.js';
import type { MockDeployment, MockState, MockTask } from './types.js';

const P = MARATHON_PREFIX;

interface Answer {
  response: Response;
  changed: boolean;
  outcome?: KillOutcome;
  /** Volume data the write's DESTROYs removed (Mesos ≥ 1.0). */
  deletedData?: DeletedVolumeData[];
}

const unchanged = (response: Response): Answer => ({ response, changed: false });

function deploymentAnswer(ctx: MockContext, state: MockState, d: MockDeployment, status = 200): Response {
  // The header exists from 1.4 on.
  const headers: Record<string, string> = state.flavour === '1.1' ? {} : { 'marathon-deployment-id': d.id };
  return mjson(ctx, { version: d.version, deploymentId: d.id }, status, headers);
}

/** The tasks as they were before the kill, in the format this endpoint and version use (§c "Responses"). */
function killedTask(state: MockState, task: MockTask, endpoint: 'app' | 'tasks-delete'): Json {
  const agent = state.agents.find((a) => a.id === task.agentId);
  if (state.flavour === '1.4' && endpoint === 'app') return renderInstance14(task, agent);
  const app = state.apps.find((a) => a.id === task.appId);
  return renderTask(state, task, agent, {
    withAppId: state.flavour !== '1.1' || endpoint === 'tasks-delete',
    ...(endpoint === 'tasks-delete' ? { servicePorts: app?.servicePorts ?? [] } : {}),
  });
}

/** Run a kill; 409 when the app is locked and the call scales without force. */
function runKill(ctx: MockContext, state: MockState, matches: MockTask[], flags: KillFlags, render: (before: MockTask[]) => Json): Answer {
  let outcome: KillOutcome;
  try {
    outcome = killTasks(state, matches, flags);
  } catch (e) {
    if (e instanceof LockedError) return unchanged(mjson(ctx, lockedBody(e.deployments.map((d) => d.id)), 409));
    throw e;
  }
  const response = outcome.kind === 'deployment' ? deploymentAnswer(ctx, state, outcome.deployment) : mjson(ctx, render(outcome.before));
  return { response, changed: true, outcome };
}

function sameInstance(state: MockState, a: string, b: string): boolean {
  return instanceKey(state.flavour, a) === instanceKey(state.flavour, b);
}

async function readJson(request: Request): Promise<{ ok: true; value: unknown } | { ok: false; details: string }> {
  const body = await request.text();
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (e) {
    return { ok: false, details: (e as Error).message };
  }
}

function finish(ctx: MockContext, answer: Answer): Response {
  for (const d of answer.deletedData ?? []) deleteVolumeData(ctx.store.stateDir, d.agentId, d.hostPath, d.keepRoot);
  if (answer.outcome && answer.outcome.newVolumes.length > 0) ctx.createVolumeDirs(answer.outcome.newVolumes);
  if (answer.outcome?.kind === 'tasks' && answer.outcome.destroyedVolumes) ctx.destroyVolumeDirs(answer.outcome.destroyedVolumes);
  return answer.response;
}

/** Run a write that takes the app lock: 409 (AppLockedException) when another deployment holds it and no force. */
function withLock(ctx: MockContext, write: () => Answer): Answer {
  try {
    return write();
  } catch (e) {
    if (e instanceof LockedError) return unchanged(mjson(ctx, lockedBody(e.deployments.map((d) => d.id)), 409));
    throw e;
  }
}

const bothScaleAndWipe = (ctx: MockContext) => marathonError(ctx, 400, 'You cannot use scale and wipe at the same time.');

export function marathonWriteRoutes(ctx: MockContext): RequestHandler[] {
  return [
    http.delete(`${P}/v2/apps/*`, ({ request }) => {
      const url = new URL(request.url);
      const path = parseAppsPath(url);
      if (!path) return marathonError(ctx, 404, 'URI not found');
      const flags: KillFlags = { scale: queryFlag(url, 'scale'), wipe: queryFlag(url, 'wipe'), force: queryFlag(url, 'force') };
      if (path.kind === 'app') {
        const answer = ctx.store.mutate((state): Answer => {
          const app = state.apps.find((a) => a.id === path.appId);
          if (!app) return unchanged(appNotFound(ctx, path.appId));
          const { deployment, deletedData } = deleteApp(state, app);
          // The freed resources are offered again: stalled scale-ups of other apps may launch now.
          const newVolumes = progressDeployments(state);
          return { response: deploymentAnswer(ctx, state, deployment), changed: true, outcome: { kind: 'deployment', deployment, newVolumes }, deletedData };
        }, (a) => a.changed);
        return finish(ctx, answer);
      }
      if (flags.scale && flags.wipe) return bothScaleAndWipe(ctx);
      const answer = ctx.store.mutate((state): Answer => {
        const app = state.apps.find((a) => a.id === path.appId);
        if (!app) return unchanged(appNotFound(ctx, path.appId));
        const appTasks = state.tasks.filter((t) => t.appId === app.id);
        if (path.kind === 'task') {
          // 1.4+ match the instance, so any incarnation's id hits the current task.
          const task = appTasks.find((t) => sameInstance(state, t.id, path.taskId));
          if (!task) return unchanged(marathonError(ctx, 404, `Task '${path.taskId}' does not exist`));
          return runKill(ctx, state, [task], flags, (before) => ({ task: killedTask(state, before[0] as MockTask, 'app') }));
        }
        if (flags.scale && appTasks.length === 0) {
          return unchanged(marathonError(ctx, 404, `${state.flavour === '1.10' ? 'Path' : 'App'} '${app.id}' does not exist`));
        }
        // No host: every task of the app. `*`: every task. Otherwise the exact agent hostname.
        const host = url.searchParams.get('host');
        const agents = agentMap(state);
        const matches = host === null || host === '*' ? appTasks : appTasks.filter((t) => agents.get(t.agentId)?.hostname === host);
        return runKill(ctx, state, matches, flags, (before) => ({ tasks: before.map((t) => killedTask(state, t, 'app')) }));
      }, (a) => a.changed);
      return finish(ctx, answer);
    }),

    http.post(`${P}/v2/tasks/delete`, async ({ request }) => {
      const url = new URL(request.url);
      const flags: KillFlags = { scale: queryFlag(url, 'scale'), wipe: queryFlag(url, 'wipe'), force: queryFlag(url, 'force') };
      if (flags.scale && flags.wipe) return bothScaleAndWipe(ctx);
      const body = await readJson(request);
      if (!body.ok) return mjson(ctx, { message: 'Invalid JSON', details: body.details }, 400);
      const ids = (body.value as { ids?: unknown } | null)?.ids;
      if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string')) {
        return mjson(ctx, { message: 'Invalid JSON', details: [{ path: '/ids', errors: ['error.expected.jsarray'] }] }, 400);
      }
      const answer = ctx.store.mutate((state): Answer => {
        const invalid = ids.find((id) => !isParsableTaskId(id));
        if (invalid !== undefined) {
          const detail = state.flavour === '1.1' ? '' : ` [Unable to parse task id '${invalid}']`;
          return unchanged(marathonError(ctx, 400, `Invalid task id '${invalid}'.${detail}`));
        }
        // Ids that parse but are unknown are silently ignored.
        const matches = state.tasks.filter((t) => ids.some((id) => sameInstance(state, t.id, id)));
        return runKill(ctx, state, matches, flags, (before) => ({ tasks: before.map((t) => killedTask(state, t, 'tasks-delete')) }));
      }, (a) => a.changed);
      return finish(ctx, answer);
    }),

    http.post(`${P}/v2/apps`, async ({ request }) => {
      const force = queryFlag(new URL(request.url), 'force');
      const body = await readJson(request);
      if (!body.ok) return mjson(ctx, { message: 'Invalid JSON', details: body.details }, 400);
      const answer = ctx.store.mutate((state): Answer => {
        const read = readAppDefinition(state, body.value);
        if (!read.ok) return unchanged(mjson(ctx, read.body, read.status));
        if (state.apps.some((a) => a.id === read.app.id)) return unchanged(marathonError(ctx, 409, `An app with id [${read.app.id}] already exists.`));
        return withLock(ctx, () => {
          const { deployment, newVolumes } = createApp(state, read.app, force);
          // The answer shows the app as stored, before its deployment launched anything.
          const shown = renderApp(state, read.app, { counts: { staged: 0, running: 0 }, deploymentIds: [deployment.id], ...(state.flavour === '1.10' ? {} : { tasks: [] }) });
          const headers: Record<string, string> = { location: `http://${leaderAddress(ctx)}${read.app.id}` };
          if (state.flavour !== '1.1') headers['marathon-deployment-id'] = deployment.id;
          return { response: mjson(ctx, shown, 201, headers), changed: true, outcome: { kind: 'deployment', deployment, newVolumes } };
        });
      }, (a) => a.changed);
      return finish(ctx, answer);
    }),

    http.put(`${P}/v2/apps/*`, async ({ request }) => {
      const url = new URL(request.url);
      const path = parseAppsPath(url);
      if (!path) return marathonError(ctx, 404, 'URI not found');
      const appId = path.kind === 'app' ? path.appId : path.kind === 'tasks' ? `${path.appId}/tasks` : `${path.appId}/tasks/${path.taskId}`;
      const force = queryFlag(url, 'force');
      const body = await readJson(request);
      if (!body.ok) return mjson(ctx, { message: 'Invalid JSON', details: body.details }, 400);
      const update = (body.value ?? {}) as Record<string, unknown>;
      const answer = ctx.store.mutate((state): Answer => {
        const app = state.apps.find((a) => a.id === appId);
        if (!app) {
          // PUT of an unknown id creates the app (201 with the deployment, not the app).
          const read = readAppDefinition(state, update, undefined, appId);
          if (!read.ok) return unchanged(mjson(ctx, read.body, read.status));
          return withLock(ctx, () => {
            const { deployment, newVolumes } = createApp(state, read.app, force);
            return { response: deploymentAnswer(ctx, state, deployment, 201), changed: true, outcome: { kind: 'deployment', deployment, newVolumes } };
          });
        }
        const invalid = validateUpdate(state, app, update);
        if (invalid) return unchanged(mjson(ctx, { message: 'Object is not valid', details: invalid }, 422));
        const read = readAppDefinition(state, update, app, appId);
        if (!read.ok) return unchanged(mjson(ctx, read.body, read.status));
        return withLock(ctx, () => {
          if (needsRestart(app, read.app)) {
            const { deployment, newVolumes } = restartApp(state, app, read.app, force);
            return { response: deploymentAnswer(ctx, state, deployment), changed: true, outcome: { kind: 'deployment', deployment, newVolumes } };
          }
          const outcome = scaleApp(state, app, read.app.instances, force);
          if (outcome.kind !== 'deployment') throw new Error('scaling always deploys');
          return { response: deploymentAnswer(ctx, state, outcome.deployment), changed: true, outcome };
        });
      }, (a) => a.changed);
      return finish(ctx, answer);
    }),

    http.delete(`${P}/v2/deployments/:id`, ({ request, params }) => {
      const id = String(params.id);
      const force = queryFlag(new URL(request.url), 'force');
      const answer = ctx.store.mutate((state): Answer => {
        const deployment = state.deployments.find((d) => d.id === id);
        if (!deployment) return unchanged(marathonError(ctx, 404, `DeploymentPlan ${id} does not exist`));
        if (force) {
          // Cancelled where it stands: no revert plan, nothing moves back.
          state.deployments = state.deployments.filter((d) => d !== deployment);
          return { response: new Response(null, { status: 202 }), changed: true };
        }
        const revert = rollbackDeployment(state, deployment);
        return {
          response: deploymentAnswer(ctx, state, revert.deployment),
          changed: true,
          outcome: { kind: 'deployment', deployment: revert.deployment, newVolumes: revert.newVolumes },
          deletedData: revert.deletedData,
        };
      }, (a) => a.changed);
      return finish(ctx, answer);
    }),
  ];
}

const RESOURCE_FIELDS = ['cpus', 'mem', 'disk'] as const;

/** The validation a resident app's update gets (§e "No changes after deployment"), details grouped by path. */
function validateUpdate(state: MockState, app: MockState['apps'][number], update: Record<string, unknown>): Json[] | undefined {
  if (update.instances !== undefined && (!Number.isInteger(update.instances) || (update.instances as number) < 0)) {
    return [{ path: '/instances', errors: [`got ${String(update.instances)}, expected 0 or more`] }];
  }
  if (app.volumes.length === 0) return undefined;
  const volumes = (update.container as { volumes?: { containerPath?: unknown; persistent?: { size?: unknown } }[] } | undefined)?.volumes;
  if (volumes !== undefined) {
    const same =
      volumes.length === app.volumes.length &&
      volumes.every((v, i) => v.containerPath === app.volumes[i]?.containerPath && (v.persistent?.size ?? app.volumes[i]?.sizeMb) === app.volumes[i]?.sizeMb);
    if (!same) return [{ path: '/', errors: ['Persistent volumes can not be changed!'] }];
  }
  const changed = RESOURCE_FIELDS.filter((f) => update[f] !== undefined && update[f] !== app[f]);
  if (changed.length === 0) return undefined;
  if (state.flavour !== '1.10') return [{ path: '/', errors: ['Resident Tasks may not change resource requirements!'] }];
  return changed.map((f) => ({
    path: `/${f}`,
    errors: ['Services with persistent volumes configured may not change resource requirements. If you need to make this change, please create a new service.'],
  }));
}
