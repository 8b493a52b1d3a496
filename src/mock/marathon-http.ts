import { json, type MockContext } from './handler-context.js';
import { renderApp, renderTask, type Json } from './render-marathon.js';
import type { MockAgent, MockApp, MockState, MockTask } from './types.js';

/** Helpers shared by the Marathon routes: path parsing, leader header, upstream error bodies. */

export const MARATHON_PREFIX = '/service/marathon';

/** Marathon's own view of the path (Admin Router strips `/service/marathon`). */
export function marathonPath(url: URL): string {
  return url.pathname.slice(MARATHON_PREFIX.length) || '/';
}

export function leaderAddress(ctx: MockContext): string {
  return `127.0.0.1:${ctx.port()}`;
}

/** JSON from the leader: every answer carries `X-Marathon-Leader`. */
export function mjson(ctx: MockContext, body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return json(body, status, { 'x-marathon-leader': `http://${leaderAddress(ctx)}`, ...headers });
}

export function marathonError(ctx: MockContext, status: number, message: string): Response {
  return mjson(ctx, { message }, status);
}

export const appNotFound = (ctx: MockContext, appId: string) => marathonError(ctx, 404, `App '${appId}' does not exist`);

export type AppsPath =
  | { kind: 'app'; appId: string }
  | { kind: 'tasks'; appId: string }
  | { kind: 'task'; appId: string; taskId: string };

/** App ids contain slashes, so `/v2/apps/db/mysql/tasks/<id>` is split from the right. */
export function parseAppsPath(url: URL): AppsPath | undefined {
  const rest = marathonPath(url).slice('/v2/apps'.length);
  let segments: string[];
  try {
    segments = rest.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  if (segments.length === 0) return undefined;
  const last = segments[segments.length - 1];
  const beforeLast = segments[segments.length - 2];
  if (segments.length >= 3 && beforeLast === 'tasks') {
    return { kind: 'task', appId: `/${segments.slice(0, -2).join('/')}`, taskId: last as string };
  }
  if (segments.length >= 2 && last === 'tasks') return { kind: 'tasks', appId: `/${segments.slice(0, -1).join('/')}` };
  return { kind: 'app', appId: `/${segments.join('/')}` };
}

export function agentMap(state: MockState): Map<string, MockAgent> {
  return new Map(state.agents.map((a) => [a.id, a]));
}

export function tasksByApp(state: MockState): Map<string, MockTask[]> {
  const map = new Map<string, MockTask[]>();
  for (const t of state.tasks) {
    const list = map.get(t.appId);
    if (list) list.push(t);
    else map.set(t.appId, [t]);
  }
  return map;
}

/** tasksRunning / tasksStaged: waiting (suspended) tasks count in neither. */
export function appCounts(tasks: MockTask[]): { staged: number; running: number } {
  let running = 0;
  for (const t of tasks) if (t.kind === 'running') running += 1;
  return { staged: 0, running };
}

export function renderAppWithTasks(state: MockState, app: MockApp, tasks: MockTask[], agents: Map<string, MockAgent>, embedTasks: boolean): Json {
  const deploymentIds = state.deployments.filter((d) => d.affectedApps.includes(app.id)).map((d) => d.id);
  return renderApp(state, app, {
    counts: appCounts(tasks),
    deploymentIds,
    ...(embedTasks ? { tasks: tasks.map((t) => renderTask(state, t, agents.get(t.agentId), { withAppId: true })) } : {}),
  });
}

/** 409 body of AppLockedException. */
export function lockedBody(deploymentIds: string[]): Json {
  const view = deploymentIds.map((id) => `'/v2/deployments/${id}'`).join(', ');
  return {
    message: `App is locked by one or more deployments. Override with the option '?force=true'. View details at ${view}.`,
    deployments: deploymentIds.map((id) => ({ id })),
  };
}
