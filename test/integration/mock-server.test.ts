import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mockAgentHosts } from '../../src/mock/agents.js';
import { agentRoot } from '../../src/mock/paths.js';
import { resetMock, type ResetOptions } from '../../src/mock/scenario.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { readStateFile } from '../../src/mock/store.js';
import type { MarathonFlavour } from '../../src/mock/types.js';
import { tempDir } from '../helpers/cli.js';
import { itWithReference, referenceJson } from '../helpers/reference.js';
import { S } from '../helpers/mock-dirs.js';

const WAITING_UUID = '53ab8733-fd96-11e5-8e70-76a1c19f8c3d';
const WAITING_PID = 'postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d';
const RUNNING_UUID = '4f2a1c11-fd96-11e5-8e70-76a1c19f8c3d';
const DEPLOYMENT = '97c136bf-5a28-4821-9d94-480d9fbb01c8';
const waitingId: Record<MarathonFlavour, string> = {
  '1.1': `postgres.${WAITING_UUID}`,
  '1.4': `postgres.${WAITING_UUID}.1`,
  '1.10': `postgres.instance-${WAITING_UUID}._app.1`,
};

type Obj = Record<string, unknown>;
type Task = Obj & { id: string; slaveId: string };

const open: { server: MockServer; cleanup: () => void }[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) {
    await c.server.close();
    c.cleanup();
  }
});

async function cluster(flavour: MarathonFlavour, extra: Partial<ResetOptions> = {}) {
  const { dir, cleanup } = tempDir('stateful-ops-mock-');
  resetMock({ stateDir: dir, scenario: 'default', flavour, requireAuth: false, ...extra });
  const server = await startMockServer({ stateDir: dir, log: () => undefined });
  open.push({ server, cleanup });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json: json as Obj };
  };
  const tasks = async (app = 'postgres') => ((await call('GET', `/service/marathon/v2/apps/${app}/tasks`)).json.tasks ?? []) as Task[];
  return { dir, server, call, tasks };
}

const reference = (path: string) => referenceJson<{ tasks: Obj[] }>(path);

describe('GET /service/marathon/v2/apps/postgres/tasks per Marathon version', () => {
  for (const flavour of ['1.1', '1.4', '1.10'] as const) {
    itWithReference(`${flavour}: the fixture's running and waiting tasks, plus the lost-agent task`, async () => {
      const { tasks } = await cluster(flavour);
      const listed = await tasks();
      expect(listed).toHaveLength(3);
      const fixture = reference(`marathon/v${flavour}-app-tasks-waiting.json`).tasks.map((t) => {
        if (flavour !== '1.1') return t;
        const { state: _dropped, ...rest } = t;
        return rest;
      });
      expect(listed.filter((t) => t.slaveId !== S(2))).toEqual(fixture);
      const lost = listed.find((t) => t.slaveId === S(2)) as Task;
      const waiting = listed.find((t) => t.id === waitingId[flavour]) as Task;
      if (flavour === '1.1') {
        // 1.1 cannot tell a lost resident task from a scaled-down one.
        expect(Object.keys(lost).sort()).toEqual(Object.keys(waiting).sort());
      } else {
        expect(lost).toMatchObject({ state: 'TASK_UNREACHABLE', host: '127.0.0.169' });
        expect(lost).toHaveProperty('stagedAt');
      }
    });
  }

  it('group app ids route through the path; /v2/tasks fills servicePorts; embed controls /v2/apps', async () => {
    const { call, tasks } = await cluster('1.10');
    const mysql = await tasks('db/mysql');
    expect(mysql).toHaveLength(1);
    expect(mysql[0]?.id).toMatch(/^db_mysql\.instance-[0-9a-f-]{36}\._app\.3$/);
    expect((mysql[0]?.localVolumes as Obj[]).map((v) => v.containerPath)).toEqual(['data', 'logs']);
    const all = (await call('GET', '/service/marathon/v2/tasks')).json.tasks as Task[];
    expect(all).toHaveLength(7);
    expect(all.find((t) => t.id === waitingId['1.10'])?.servicePorts).toEqual([10000]);
    const bare = (await call('GET', '/service/marathon/v2/apps')).json.apps as Obj[];
    expect(bare.map((a) => a.id)).toEqual(['/postgres', '/db/mysql', '/kafka/broker', '/web/nginx']);
    expect(bare[0]).not.toHaveProperty('tasks');
    const embedded = (await call('GET', '/service/marathon/v2/apps?embed=apps.tasks')).json.apps as Obj[];
    expect((embedded[0]?.tasks as Obj[]).length).toBe(3);
    const single = await call('GET', '/service/marathon/v2/apps/postgres');
    expect(single.json.app).toMatchObject({ id: '/postgres', instances: 2, tasksRunning: 1, role: 'slave_public' });
    expect(single.headers.get('x-marathon-leader')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const info = await call('GET', '/service/marathon/v2/info');
    expect(info.json).toMatchObject({ version: '1.10.26', frameworkId: 'd935ca7e-e29d-4503-94e7-25fe9f16847c-0001' });
    expect(info.json.marathon_config).toMatchObject({ mesos_role: 'slave_public', checkpoint: true });
  });
});

describe('kill and wipe', () => {
  it('wipe removes the task and (active agent) its reservation, the agent (Mesos 1.11) deletes the volume directory, and a second server sees it', async () => {
    const { dir, call, tasks } = await cluster('1.10');
    const r = await call('DELETE', `/service/marathon/v2/apps/postgres/tasks/${waitingId['1.10']}?wipe=true`);
    expect(r.status).toBe(200);
    expect((r.json.task as Task).id).toBe(waitingId['1.10']);
    expect((await tasks()).map((t) => t.id)).not.toContain(waitingId['1.10']);
    const slaves = (await call('GET', '/mesos/slaves')).text;
    expect(slaves).not.toContain(WAITING_PID);
    const volumeDir = join(agentRoot(dir, S(1)), `/var/lib/mesos/slave/volumes/roles/slave_public/${WAITING_PID}`);
    // Mesos ≥ 1.0 removes a destroyed volume's directory (0.28 kept the data): no orphan data left behind.
    expect(existsSync(volumeDir)).toBe(false);
    expect(existsSync(dirname(volumeDir))).toBe(true);

    const second = await startMockServer({ stateDir: dir, log: () => undefined });
    try {
      const listed = (await (await fetch(`${second.url}/service/marathon/v2/apps/postgres/tasks`)).json()) as { tasks: Task[] };
      expect(listed.tasks.map((t) => t.id)).not.toContain(waitingId['1.10']);
      expect(await (await fetch(`${second.url}/mesos/slaves`)).text()).not.toContain(WAITING_PID);
    } finally {
      await second.close();
    }
  });

  it('wiping a task on a lost agent expunges it from Marathon but the reservation stays forever', async () => {
    const { dir, call, tasks } = await cluster('1.4');
    const lost = (await tasks()).find((t) => t.slaveId === S(2)) as Task;
    const r = await call('DELETE', `/service/marathon/v2/apps/postgres/tasks/${lost.id}?wipe=true`);
    expect(r.status).toBe(200);
    // 1.4 answers the app endpoints with the internal instance JSON.
    expect(r.json.task).toHaveProperty('instanceId');
    expect((await tasks()).map((t) => t.id)).not.toContain(lost.id);
    const state = readStateFile(dir);
    expect(state?.reservations.filter((x) => x.agentId === S(2))).toHaveLength(1);
  });

  it('an app-wide DELETE without host kills and wipes every task; with host only that agent', async () => {
    const { dir, call, tasks } = await cluster('1.10');
    const one = await call('DELETE', '/service/marathon/v2/apps/postgres/tasks?wipe=true&host=127.0.0.168');
    expect((one.json.tasks as Task[]).map((t) => t.id)).toEqual([waitingId['1.10']]);
    const all = await call('DELETE', '/service/marathon/v2/apps/postgres/tasks?wipe=true');
    expect(all.status).toBe(200);
    expect(all.json.tasks as Task[]).toHaveLength(2);
    expect(await tasks()).toEqual([]);
    const left = readStateFile(dir)?.reservations.filter((x) => x.volumes.some((v) => v.persistenceId.startsWith('postgres#')));
    expect(left?.map((x) => x.agentId)).toEqual([S(2)]);
  });

  it('a plain kill of a running resident task relaunches it on its reservation with the next incarnation id', async () => {
    const { call, tasks } = await cluster('1.10');
    const runningId = `postgres.instance-${RUNNING_UUID}._app.2`;
    const r = await call('DELETE', `/service/marathon/v2/apps/postgres/tasks/${runningId}`);
    expect((r.json.task as Task).state).toBe('TASK_RUNNING');
    const after = (await tasks()).find((t) => t.slaveId === S(0)) as Task;
    expect(after.id).toBe(`postgres.instance-${RUNNING_UUID}._app.3`);
    expect(after.state).toBe('TASK_RUNNING');
    expect((await call('GET', '/mesos/slaves')).text).toContain('postgres#pgdata#4f2a1c10-fd96-11e5-8e70-76a1c19f8c3d');
  });

  it('1.4 matches any incarnation of the instance; POST /v2/tasks/delete answers in task format', async () => {
    const { call, tasks } = await cluster('1.4');
    const older = `postgres.${WAITING_UUID}.7`;
    const r = await call('POST', '/service/marathon/v2/tasks/delete?wipe=true', { ids: [older, `postgres.00000000-0000-0000-0000-000000000000`] });
    expect(r.status).toBe(200);
    expect(r.json.tasks).toEqual([expect.objectContaining({ id: waitingId['1.4'], appId: '/postgres', state: 'TASK_STAGING', servicePorts: [10000] })]);
    expect((await tasks()).map((t) => t.id)).not.toContain(waitingId['1.4']);
  });

  it('scale=true with wipe=true is refused on every endpoint with upstream message', async () => {
    const { call } = await cluster('1.10');
    const message = { message: 'You cannot use scale and wipe at the same time.' };
    for (const [method, path] of [
      ['DELETE', `/service/marathon/v2/apps/postgres/tasks/${waitingId['1.10']}?scale=true&wipe=true`],
      ['DELETE', '/service/marathon/v2/apps/postgres/tasks?scale=true&wipe=true'],
      ['POST', '/service/marathon/v2/tasks/delete?scale=true&wipe=true'],
    ] as const) {
      const r = await call(method, path, method === 'POST' ? { ids: [waitingId['1.10']] } : undefined);
      expect(r.status, path).toBe(400);
      expect(r.json, path).toEqual(message);
    }
  });

  it('scale=true on a locked app is 409 with the deployment; force=true cancels it and scales', async () => {
    const { call, tasks } = await cluster('1.10');
    const [nginx] = await tasks('web/nginx');
    const locked = await call('DELETE', `/service/marathon/v2/apps/web/nginx/tasks/${nginx?.id}?scale=true`);
    expect(locked.status).toBe(409);
    expect(locked.json).toEqual({
      message: `App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/${DEPLOYMENT}'.`,
      deployments: [{ id: DEPLOYMENT }],
    });
    // Without scale there is no deployment, hence no lock.
    expect((await call('DELETE', `/service/marathon/v2/apps/web/nginx/tasks/${nginx?.id}?wipe=true`)).status).toBe(200);
    const [other] = await tasks('web/nginx');
    const forced = await call('DELETE', `/service/marathon/v2/apps/web/nginx/tasks/${other?.id}?scale=true&force=true`);
    expect(forced.status).toBe(200);
    expect(forced.json).toEqual({ version: expect.any(String), deploymentId: expect.any(String) });
    expect(forced.headers.get('marathon-deployment-id')).toBe(forced.json.deploymentId);
    expect((await call('GET', '/service/marathon/v2/deployments')).json).toEqual([]);
    expect(((await call('GET', '/service/marathon/v2/apps/web/nginx')).json.app as Obj).instances).toBe(1);
  });

  it('PUT instances scales a resident app down to waiting tasks and back up on the same reservations', async () => {
    const { call, tasks } = await cluster('1.10');
    const down = await call('PUT', '/service/marathon/v2/apps/postgres', { instances: 1 });
    expect(down.status).toBe(200);
    const s0 = (await tasks()).find((t) => t.slaveId === S(0)) as Task;
    expect(s0).toMatchObject({ state: 'TASK_KILLED', ports: [] });
    expect(s0).not.toHaveProperty('stagedAt');
    await call('PUT', '/service/marathon/v2/apps/postgres', { instances: 3 });
    const up = await tasks();
    expect(up.filter((t) => t.state === 'TASK_RUNNING').map((t) => t.slaveId).sort()).toEqual([S(0), S(1)]);
    expect(up.find((t) => t.slaveId === S(1))?.id).toBe(`postgres.instance-${WAITING_UUID}._app.2`);
    const invalid = await call('PUT', '/service/marathon/v2/apps/postgres', { cpus: 2 });
    expect(invalid.status).toBe(422);
    expect(invalid.json.details).toEqual([{ path: '/cpus', errors: [expect.stringMatching(/may not change resource requirements/)] }]);
  });
});

describe('errors as upstream writes them', () => {
  it('unknown app and task are 404 with Marathon messages', async () => {
    const { call } = await cluster('1.10');
    expect(await call('DELETE', '/service/marathon/v2/apps/nope/tasks/x?wipe=true')).toMatchObject({ status: 404, json: { message: "App '/nope' does not exist" } });
    const ghost = 'postgres.instance-00000000-0000-0000-0000-000000000000._app.1';
    expect(await call('DELETE', `/service/marathon/v2/apps/postgres/tasks/${ghost}?wipe=true`)).toMatchObject({
      status: 404,
      json: { message: `Task '${ghost}' does not exist` },
    });
    expect(await call('GET', '/service/marathon/v2/apps/db/nope')).toMatchObject({ status: 404, json: { message: "App '/db/nope' does not exist" } });
    expect(await call('POST', '/service/marathon/v2/tasks/delete?wipe=true', { ids: ['not-a-task'] })).toMatchObject({
      status: 400,
      json: { message: "Invalid task id 'not-a-task'. [Unable to parse task id 'not-a-task']" },
    });
  });

  it('unknown routes: 404 with the path up to 1.6, 500 without it from 1.7; Admin Router 404 page elsewhere', async () => {
    const old = await cluster('1.4');
    expect(await old.call('GET', '/service/marathon/v2/nope')).toMatchObject({ status: 404, json: { message: 'URI not found: /v2/nope' } });
    const current = await cluster('1.10');
    expect(await current.call('GET', '/service/marathon/v2/nope')).toMatchObject({ status: 500, json: { message: 'URI not found' } });
    const ar = await current.call('GET', '/no/such/thing');
    expect(ar.status).toBe(404);
    expect(ar.headers.get('content-type')).toMatch(/text\/html/);
  });

  for (const [flavour, status] of [['1.1', 503], ['1.4', 503], ['1.10', 502]] as const) {
    it(`no leader: Marathon ${flavour} answers ${status} with an HTML page`, async () => {
      const { call } = await cluster(flavour, { leaderPresent: false });
      const r = await call('GET', '/service/marathon/v2/apps/postgres/tasks');
      expect(r.status).toBe(status);
      expect(r.headers.get('content-type')).toMatch(/text\/html/);
      expect(r.text).toContain('Could not determine the current leader');
      expect(r.json).toBeUndefined();
      expect((await call('GET', '/mesos/slaves')).status).toBe(200);
    });
  }
});

describe('Mesos master and agents', () => {
  it('/slaves lists live agents with reservations; /state has frameworks with checkpoint and no *_full', async () => {
    const { call } = await cluster('1.10');
    const slaves = (await call('GET', '/mesos/slaves')).json.slaves as Obj[];
    expect(slaves.map((s) => s.id)).toEqual([S(0), S(1), S(3), S(4), S(5)]);
    expect((await call('GET', `/mesos/master/slaves?slave_id=${S(4)}`)).json.slaves).toEqual([expect.objectContaining({ attributes: { public_ip: 'true' } })]);
    const s1 = slaves.find((s) => s.id === S(1)) as Obj;
    const reserved = (s1.reserved_resources_full as Record<string, Obj[]>).slave_public ?? [];
    expect(reserved.map((r) => r.name)).toEqual(['cpus', 'mem', 'disk']);
    expect(JSON.stringify(reserved)).toContain(`postgres.instance-${WAITING_UUID}`);
    expect(s1.used_resources_full).toEqual([]);
    const s0 = slaves.find((s) => s.id === S(0)) as Obj;
    expect(JSON.stringify(s0.used_resources_full)).toContain('postgres#pgdata#4f2a1c10');
    for (const path of ['/mesos/state', '/mesos/master/state']) {
      const state = (await call('GET', path)).json;
      expect(state.frameworks).toEqual([
        expect.objectContaining({ id: 'd935ca7e-e29d-4503-94e7-25fe9f16847c-0001', name: 'marathon', checkpoint: true, capabilities: ['PARTITION_AWARE', 'MULTI_ROLE'] }),
        // Other frameworks' stateless tasks, for agent restart-check and maintenance.
        expect.objectContaining({ name: 'jenkins', checkpoint: false, tasks: [expect.objectContaining({ slave_id: S(0), state: 'TASK_RUNNING' })] }),
        expect.objectContaining({ name: 'metronome', checkpoint: true, capabilities: [] }),
      ]);
      expect((state.slaves as Obj[]).every((s) => !('reserved_resources_full' in s))).toBe(true);
    }
    expect((await call('GET', '/mesos/master/flags')).json.flags).toMatchObject({ max_slave_ping_timeouts: '20' });
    expect((await call('GET', '/mesos/flags')).json.flags).toMatchObject({ agent_ping_timeout: '15secs' });
  });

  it('agents through Admin Router and on their own address; lost agents are unknown', async () => {
    const { call, server } = await cluster('1.10');
    expect((await call('GET', `/agent/${S(0)}/flags`)).json.flags).toMatchObject({ work_dir: '/var/lib/mesos/slave', recovery_timeout: '1days' });
    expect((await call('GET', `/slave/${S(3)}/flags`)).json.flags).toMatchObject({ recovery_timeout: '2days' });
    expect((await call('GET', `/agent/${S(5)}/flags`)).json.flags).toMatchObject({ reconfiguration_policy: 'equal' });
    expect((await call('GET', `/agent/${S(4)}/state`)).json).toMatchObject({ id: S(4), hostname: '127.0.0.171' });
    expect(await call('GET', `/agent/${S(2)}/flags`)).toMatchObject({ status: 404, text: `agent \`${S(2)}\` unknown.\n` });
    const slaves = (await call('GET', '/mesos/slaves')).json.slaves as Obj[];
    const pid = slaves.find((s) => s.id === S(0))?.pid as string;
    expect(pid).toBe(`slave(1)@127.0.0.167:${server.port}`);
    const direct = await fetch(`http://${pid.split('@')[1]}/flags`);
    expect(((await direct.json()) as { flags: Obj }).flags).toMatchObject({ port: String(server.port) });
    const directState = (await (await fetch(`http://127.0.0.167:${server.port}/state`)).json()) as Obj;
    expect(directState.id).toBe(S(0));
    await expect(fetch(`http://127.0.0.169:${server.port}/flags`)).rejects.toThrow();
  });

  it('a reset while serving is picked up: new agents answer on their own addresses, removed ones stop', async () => {
    const { dir, server } = await cluster('1.10');
    expect((await fetch(`http://127.0.0.170:${server.port}/flags`)).status).toBe(200);
    resetMock({ stateDir: dir, scenario: 'generated', flavour: '1.4', requireAuth: false, generator: { apps: 2, tasksPerApp: 3, waitingRatio: 0.5, agents: 2 } });
    const slaves = (await (await fetch(`${server.url}/mesos/slaves`)).json()) as { slaves: { hostname: string }[] };
    expect(slaves.slaves.map((s) => s.hostname)).toEqual(['127.1.0.1', '127.1.0.2']);
    expect((await fetch(`http://127.1.0.2:${server.port}/flags`)).status).toBe(200);
    await expect(fetch(`http://127.0.0.170:${server.port}/flags`)).rejects.toThrow();
    expect(mockAgentHosts(dir).map((a) => [a.hostname, existsSync(join(a.root, 'opt/mesosphere/etc/mesos-slave-common'))])).toEqual([
      ['127.1.0.1', true],
      ['127.1.0.2', true],
    ]);
  });

  it('DC/OS metadata is served', async () => {
    const { call } = await cluster('1.10');
    expect((await call('GET', '/dcos-metadata/dcos-version.json')).json).toMatchObject({ version: '2.2.5', 'dcos-variant': 'open' });
  });
});
