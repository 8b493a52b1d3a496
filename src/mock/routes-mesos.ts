import { http, type RequestHandler } from 'msw';
import { json, streamJsonArray, text, type MockContext } from './handler-context.js';
import { agentFlags } from './agent-config.js';
import { indexCluster, isRegistered, isRestarting, listedAgents, renderAgentState, renderMasterAgent, renderMasterState, renderStateSummary } from './render-mesos.js';
import type { MockAgent } from './types.js';

/**
 * The Mesos master under Admin Router's `/mesos` (each route also at `/mesos/master/…`), the agents
 * under `/agent/<id>/…` and `/slave/<id>/…`, and each agent's own `/flags`, `/state` on its address.
 */

function slavesResponse(ctx: MockContext, request: Request): Response {
  const state = ctx.store.current();
  const filter = new URL(request.url).searchParams.get('slave_id');
  const agents = listedAgents(state).filter((a) => filter === null || a.id === filter);
  const index = indexCluster(state);
  const port = ctx.port();
  return streamJsonArray('{"slaves":[', agents, '],"recovered_slaves":[]}', (a) => renderMasterAgent(state, a, index, port, true));
}

function masterState(ctx: MockContext): Response {
  const state = ctx.store.current();
  return json(renderMasterState(state, indexCluster(state), ctx.port()));
}

const masterFlags = (ctx: MockContext) => json({ flags: ctx.store.current().masterFlags });

function agentEndpoint(ctx: MockContext, agent: MockAgent, endpoint: string): Response {
  const state = ctx.store.current();
  if (endpoint === 'flags') return json({ flags: agentFlags(agent, ctx.port()) });
  if (endpoint === 'state' || endpoint === 'state.json') return json(renderAgentState(state, agent, indexCluster(state), ctx.port()));
  // libprocess answers unknown endpoints with an empty 404.
  return new Response(null, { status: 404 });
}

const BAD_GATEWAY = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n';

/** Admin Router resolves the id through its cached master state: removed agents are unknown. */
function viaAdminRouter(ctx: MockContext, request: Request): Response {
  const [, , id = '', ...rest] = new URL(request.url).pathname.split('/');
  const agent = /^[0-9a-zA-Z-]+$/.test(id) ? ctx.store.current().agents.find((a) => a.id === id && isRegistered(a)) : undefined;
  if (!agent) return text(`agent \`${id}\` unknown.\n`, 404);
  // Its process is restarting: nothing answers on the agent's port, nginx says so.
  if (isRestarting(agent)) return new Response(BAD_GATEWAY, { status: 502, headers: { 'Content-Type': 'text/html' } });
  return agentEndpoint(ctx, agent, rest.join('/'));
}

export function mesosRoutes(ctx: MockContext): RequestHandler[] {
  const master = (path: string) => [`/mesos/${path}`, `/mesos/master/${path}`];
  return [
    ...master('slaves').map((p) => http.get(p, ({ request }) => slavesResponse(ctx, request))),
    ...[...master('state'), ...master('state.json')].map((p) => http.get(p, () => masterState(ctx))),
    ...master('flags').map((p) => http.get(p, () => masterFlags(ctx))),
    ...master('state-summary').map((p) =>
      http.get(p, () => {
        const state = ctx.store.current();
        return json(renderStateSummary(state, indexCluster(state), ctx.port()));
      }),
    ),
    http.get('/mesos/version', () => {
      const state = ctx.store.current();
      return json({ version: state.mesosVersion, git_sha: 'd4678d33a3a1b4d8b9b2b7c1e0f7d8c6c1b8a9f0', build_user: 'dcos' });
    }),
    http.all('/mesos/*', () => new Response(null, { status: 404 })),
    http.get('/agent/*', ({ request }) => viaAdminRouter(ctx, request)),
    http.get('/slave/*', ({ request }) => viaAdminRouter(ctx, request)),
  ];
}

/** Routes only answered on an agent's own address (plain Mesos: `http://<agent host>:<port>/flags`). */
export function directAgentRoutes(ctx: MockContext): RequestHandler[] {
  return [
    http.all('*', ({ request }) => {
      const agentId = ctx.listenerOf.get(request)?.directAgentId;
      if (agentId === undefined) return undefined;
      const agent = ctx.store.current().agents.find((a) => a.id === agentId && isRegistered(a));
      if (!agent) return new Response(null, { status: 404 });
      if (isRestarting(agent)) return new Response(null, { status: 503 });
      if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
      return agentEndpoint(ctx, agent, new URL(request.url).pathname.replace(/^\/+/, ''));
    }),
  ];
}
