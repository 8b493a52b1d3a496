import { http, type RequestHandler } from 'msw';
import { html, streamJsonArray, type MockContext } from './handler-context.js';
import {
  MARATHON_PREFIX,
  agentMap,
  appNotFound,
  leaderAddress,
  marathonError,
  marathonPath,
  mjson,
  parseAppsPath,
  renderAppWithTasks,
  tasksByApp,
} from './marathon-http.js';
import { jettyErrorPage } from './pages.js';
import { renderDeployment } from './render-deployments.js';
import { renderInfo } from './render-info.js';
import { renderTask } from './render-marathon.js';

const P = MARATHON_PREFIX;

/** Without a leader every Marathon path gets the servlet error page: 503 up to 1.6, 502 from 1.7. */
export function leaderGate(ctx: MockContext): RequestHandler {
  return http.all(`${P}/*`, ({ request }) => {
    const state = ctx.store.current();
    if (state.leaderPresent) return undefined;
    const status = state.flavour === '1.10' ? 502 : 503;
    return html(jettyErrorPage(status, 'Could not determine the current leader', marathonPath(new URL(request.url))), status);
  });
}

export function marathonReadRoutes(ctx: MockContext): RequestHandler[] {
  return [
    http.get(`${P}/ping`, () => new Response('pong\n', { headers: { 'content-type': 'text/plain' } })),
    http.get(`${P}/v2/info`, () => mjson(ctx, renderInfo(ctx.store.current(), leaderAddress(ctx)))),
    http.get(`${P}/v2/leader`, () => mjson(ctx, { leader: leaderAddress(ctx) })),

    http.get(`${P}/v2/apps`, ({ request }) => {
      const url = new URL(request.url);
      const state = ctx.store.current();
      const embedTasks = url.searchParams.getAll('embed').some((e) => e === 'apps.tasks' || e === 'apps.failures');
      const idFilter = url.searchParams.get('id');
      const apps = idFilter ? state.apps.filter((a) => a.id.includes(idFilter)) : state.apps;
      const agents = agentMap(state);
      const byApp = tasksByApp(state);
      return streamJsonArray('{"apps":[', apps, ']}', (app) => renderAppWithTasks(state, app, byApp.get(app.id) ?? [], agents, embedTasks), {
        'x-marathon-leader': `http://${leaderAddress(ctx)}`,
      });
    }),

    http.get(`${P}/v2/apps/*`, ({ request }) => {
      const path = parseAppsPath(new URL(request.url));
      if (!path) return marathonError(ctx, 404, `URI not found`);
      const state = ctx.store.current();
      // There is no GET for a single task: `…/tasks/<id>` reads as an app id and is not found.
      const appId = path.kind === 'task' ? `${path.appId}/tasks/${path.taskId}` : path.appId;
      const app = state.apps.find((a) => a.id === appId);
      if (!app) return appNotFound(ctx, appId);
      const tasks = state.tasks.filter((t) => t.appId === app.id);
      const agents = agentMap(state);
      if (path.kind === 'tasks') {
        return mjson(ctx, { tasks: tasks.map((t) => renderTask(state, t, agents.get(t.agentId), { withAppId: true })) });
      }
      return mjson(ctx, { app: renderAppWithTasks(state, app, tasks, agents, true) });
    }),

    http.get(`${P}/v2/tasks`, ({ request }) => {
      const url = new URL(request.url);
      const state = ctx.store.current();
      const agents = agentMap(state);
      const servicePorts = new Map(state.apps.map((a) => [a.id, a.servicePorts]));
      // Only these two words filter; anything else is ignored (TasksResource.toTaskState).
      const status = url.searchParams.get('status');
      // The mock never has tasks in TASK_STAGING, and waiting tasks match neither word.
      const tasks = status === 'running' ? state.tasks.filter((t) => t.kind === 'running') : status === 'staging' ? [] : state.tasks;
      return streamJsonArray('{"tasks":[', tasks, ']}', (t) =>
        renderTask(state, t, agents.get(t.agentId), { withAppId: true, servicePorts: servicePorts.get(t.appId) ?? [] }),
        { 'x-marathon-leader': `http://${leaderAddress(ctx)}` },
      );
    }),

    http.get(`${P}/v2/deployments`, () => {
      const state = ctx.store.current();
      return mjson(ctx, state.deployments.map((d) => renderDeployment(state.flavour, d)));
    }),
  ];
}

/** Unknown Marathon route: 404 with the path up to 1.6, a bare 500 from the Jersey 2.27 upgrade (1.7+). */
export function marathonNotFound(ctx: MockContext): RequestHandler {
  return http.all(`${P}/*`, ({ request }) => {
    const state = ctx.store.current();
    if (state.flavour === '1.10') return marathonError(ctx, 500, 'URI not found');
    return marathonError(ctx, 404, `URI not found: ${marathonPath(new URL(request.url))}`);
  });
}
