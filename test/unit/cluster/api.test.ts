import { describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../../src/cluster/connect.js';
import { agentAddress, agentUrlMap } from '../../../src/cluster/mesos.js';
import { appPath } from '../../../src/cluster/marathon.js';
import { mockClusterConfig } from '../../../src/config/resolve.js';
import type { ClusterConfig } from '../../../src/config/types.js';
import { CliError, ExitCode } from '../../../src/core/errors.js';
import { captureLog, sendJson, testServers, type Handler } from '../../helpers/http-test-server.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.endpoint-test.sig';
const AGENT = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-S1';
const TASK = { id: 'db_mysql.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1', appId: '/db/mysql' };

const { serve, closeLater } = testServers();

async function open(config: ClusterConfig): Promise<Connection> {
  const c = await connect(config, captureLog().log);
  closeLater(() => c.close());
  return c;
}

/** Answers like Marathon/Mesos would for the routes these tests use. */
const upstream: Handler = (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (path.endsWith('/v2/info')) return sendJson(res, 200, { version: '1.10.26', frameworkId: 'fw-1', marathon_config: { mesos_role: 'slave_public' } });
  if (path.endsWith('/v2/apps')) return sendJson(res, 200, { apps: [{ id: '/db/mysql', tasks: [TASK] }] });
  if (/\/v2\/apps\/.+\/tasks\/[^/]+$/.test(path) && req.method === 'DELETE') {
    if (path.includes('unknown')) return sendJson(res, 404, { message: "Task 'unknown' does not exist" });
    return sendJson(res, 200, { task: TASK });
  }
  if (path.endsWith('/tasks')) return sendJson(res, 200, { tasks: [TASK] });
  if (path.endsWith('/v2/tasks/delete')) return sendJson(res, 200, { tasks: [TASK] });
  if (/\/v2\/apps\/./.test(path)) return sendJson(res, 200, { app: { id: '/db/mysql', instances: 1 } });
  if (path.endsWith('/slaves')) return sendJson(res, 200, { slaves: [{ id: AGENT, hostname: '127.0.0.168', pid: 'slave(1)@127.0.0.168:5051' }] });
  if (path.endsWith('/flags')) return sendJson(res, 200, { flags: { work_dir: '/var/lib/mesos/slave', strict: 'true' } });
  if (path.endsWith('/state')) return sendJson(res, 200, { id: AGENT, frameworks: [] });
  sendJson(res, 404, { message: `URI not found: ${path}` });
};

describe('Marathon endpoints', () => {
  it('reads tasks, app tasks, apps and info at the documented paths', async () => {
    const server = await serve(upstream);
    const c = await open(mockClusterConfig(server.url, TOKEN, {}));
    expect(await c.marathon.tasks()).toEqual([TASK]);
    expect(await c.marathon.appTasks('db/mysql/')).toEqual([TASK]);
    expect((await c.marathon.app('/db/mysql')).instances).toBe(1);
    expect(await c.marathon.apps({ embedTasks: true })).toHaveLength(1);
    expect((await c.marathon.info()).marathon_config.mesos_role).toBe('slave_public');
    expect(server.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /service/marathon/v2/tasks',
      'GET /service/marathon/v2/apps/db/mysql/tasks',
      'GET /service/marathon/v2/apps/db/mysql',
      'GET /service/marathon/v2/apps?embed=apps.tasks',
      'GET /service/marathon/v2/info',
    ]);
  });

  it('wipes one task with DELETE /v2/apps/{app}/tasks/{task}?wipe=true and reports the status', async () => {
    const server = await serve(upstream);
    const c = await open(mockClusterConfig(server.url, TOKEN, {}));
    const result = await c.marathon.killTask('/db/mysql', TASK.id, { wipe: true });
    expect(result).toEqual({ status: 200, body: { task: TASK } });
    expect(server.seen[0]?.method).toBe('DELETE');
    expect(server.seen[0]?.url).toBe(`/service/marathon/v2/apps/db/mysql/tasks/${TASK.id}?wipe=true`);
  });

  it('URL-encodes task ids and app id segments', async () => {
    const server = await serve(upstream);
    const c = await open(mockClusterConfig(server.url, TOKEN, {}));
    await c.marathon.killTask('/db/my sql', 'odd/id?x=1', { wipe: true });
    expect(server.seen[0]?.url).toBe('/service/marathon/v2/apps/db/my%20sql/tasks/odd%2Fid%3Fx%3D1?wipe=true');
  });

  it('kills many tasks with POST /v2/tasks/delete?wipe= and {ids}', async () => {
    const server = await serve(upstream);
    const c = await open(mockClusterConfig(server.url, TOKEN, {}));
    await c.marathon.killTasks([TASK.id, 'db_mysql.x'], { wipe: true });
    await c.marathon.killTasks([TASK.id], {});
    expect(server.seen.map((r) => `${r.method} ${r.url} ${r.body}`)).toEqual([
      `POST /service/marathon/v2/tasks/delete?wipe=true {"ids":["${TASK.id}","db_mysql.x"]}`,
      `POST /service/marathon/v2/tasks/delete?wipe=false {"ids":["${TASK.id}"]}`,
    ]);
  });

  it('refuses scale together with wipe before sending anything', async () => {
    const server = await serve(upstream);
    const c = await open(mockClusterConfig(server.url, TOKEN, {}));
    await expect(c.marathon.killTask('/db/mysql', TASK.id, { wipe: true, scale: true })).rejects.toThrow(/scale and wipe cannot be combined/);
    await expect(c.marathon.killTasks([TASK.id], { wipe: true, scale: true })).rejects.toThrow(/scale and wipe cannot be combined/);
    await expect(c.marathon.killTasks([], { wipe: true })).rejects.toThrow(/no task ids/);
    expect(server.seen).toHaveLength(0);
  });

  it('a task Marathon does not know is a not-found error', async () => {
    const server = await serve(upstream);
    const c = await open(mockClusterConfig(server.url, TOKEN, {}));
    const err = (await c.marathon.killTask('/db/mysql', 'unknown', { wipe: true }).catch((e: unknown) => e)) as CliError;
    expect(err.message).toBe("no such app/task: Task 'unknown' does not exist");
    expect(err.exitCode).toBe(ExitCode.NOT_FOUND);
  });

  it('refuses app ids that would address another endpoint', () => {
    expect(appPath('/db/mysql/')).toBe('/db/mysql');
    expect(() => appPath('/db/../leader')).toThrow(CliError);
    expect(() => appPath('/db//mysql')).toThrow(/invalid app id/);
    expect(() => appPath('/')).toThrow(/invalid app id/);
  });
});

describe('Mesos endpoints', () => {
  it('through Admin Router: /mesos/... for the master, /agent/<id>/... for agents', async () => {
    const server = await serve(upstream);
    const c = await open(mockClusterConfig(server.url, TOKEN, {}));
    expect((await c.mesos.slaves()).slaves[0]?.id).toBe(AGENT);
    expect(await c.mesos.masterFlags()).toMatchObject({ work_dir: '/var/lib/mesos/slave' });
    await c.mesos.masterState();
    expect(await c.mesos.agentFlags(AGENT)).toMatchObject({ strict: 'true' });
    expect((await c.mesos.agentState(AGENT)).id).toBe(AGENT);
    expect(server.seen.map((r) => r.url)).toEqual([
      '/mesos/slaves',
      '/mesos/master/flags',
      '/mesos/master/state',
      `/agent/${AGENT}/flags`,
      `/agent/${AGENT}/state`,
    ]);
    expect(server.seen.every((r) => r.headers.authorization === `token=${TOKEN}`)).toBe(true);
  });

  it('validates agent ids before they go into a URL', async () => {
    const server = await serve(upstream);
    const c = await open(mockClusterConfig(server.url, TOKEN, {}));
    await expect(c.mesos.agentFlags('S1/../../mesos/master')).rejects.toThrow("invalid agent id 'S1/../../mesos/master'");
    await expect(c.mesos.agentState('')).rejects.toThrow(/invalid agent id/);
    expect(server.seen).toHaveLength(0);
  });

  it('plain Mesos: agents at the host:port of their pid, /master/state-summary read once, no token to agents', async () => {
    const agent = await serve(upstream);
    const agentPort = new URL(agent.url).port;
    const master = await serve((req, res) => {
      if (req.url === '/master/state-summary') {
        return sendJson(res, 200, { slaves: [{ id: AGENT, hostname: 'agent-1.invalid', pid: `slave(1)@127.0.0.1:${agentPort}` }] });
      }
      return upstream(req, res, undefined as never);
    });
    const config: ClusterConfig = {
      ...mockClusterConfig(master.url, TOKEN, {}),
      marathonUrl: master.url,
      mesosUrl: master.url,
      agentAccess: 'direct',
    };
    delete config.dcosUrl;
    const c = await open(config);
    expect(await c.mesos.agentFlags(AGENT)).toMatchObject({ strict: 'true' });
    expect((await c.mesos.agentState(AGENT)).id).toBe(AGENT);
    expect(master.seen.map((r) => r.url)).toEqual(['/master/state-summary']);
    expect(agent.seen.map((r) => r.url)).toEqual(['/flags', '/state']);
    expect(master.seen[0]?.headers.authorization).toBe(`token=${TOKEN}`);
    expect(agent.seen.some((r) => r.headers.authorization !== undefined)).toBe(false);

    const err = (await c.mesos.agentFlags('unknown-S9').catch((e: unknown) => e)) as CliError;
    expect(err.message).toBe("agent 'unknown-S9' not found");
    expect(err.exitCode).toBe(ExitCode.NOT_FOUND);
    // An unknown id triggers one fresh read, in case the agent registered since.
    expect(master.seen).toHaveLength(2);
  });

  it('follows a standby master redirect for reads', async () => {
    const leader = await serve(upstream);
    const standby = await serve((_req, res) => {
      res.writeHead(307, { location: `${leader.url}/master/state` });
      res.end();
    });
    const config: ClusterConfig = { ...mockClusterConfig(standby.url, undefined, {}), mesosUrl: standby.url, agentAccess: 'direct' };
    delete config.dcosUrl;
    const c = await open(config);
    expect((await c.mesos.masterState()).id).toBe(AGENT);
    expect(leader.seen.map((r) => r.url)).toEqual(['/master/state']);
  });

  it('takes the agent address from the pid, falling back to hostname:port', () => {
    expect(agentAddress({ pid: 'slave(1)@127.0.0.168:5051', hostname: 'ignored', port: 1 })).toBe('127.0.0.168:5051');
    expect(agentAddress({ hostname: '127.0.0.170', port: 5051 })).toBe('127.0.0.170:5051');
    expect(agentAddress({ hostname: '127.0.0.170' })).toBeUndefined();
    const map = agentUrlMap([{ id: 'S1', hostname: 'h', pid: 'slave(1)@127.0.0.9:5051' }], 'https:');
    expect(map.get('S1')).toBe('https://127.0.0.9:5051');
  });
});
