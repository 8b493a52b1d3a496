import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { defaultMockDirs, S } from '../helpers/mock-dirs.js';

// The mock master's maintenance endpoints over real HTTP, with Mesos's answers (src/master/http.cpp,
// src/master/maintenance.cpp): the JSON form of maintenance.proto, 400s in plain text, 405 with Allow.
const M = (host: string) => ({ hostname: host, ip: host });
const S0 = M('127.0.0.167');
const S5 = M('127.0.0.172');
const HOUR_NS = 3600e9;
const START_NS = 1_800_000_000 * 1e9;
const window = (machines: unknown[], duration: number | undefined = HOUR_NS) => ({
  machine_ids: machines,
  unavailability: { start: { nanoseconds: START_NS }, ...(duration === undefined ? {} : { duration: { nanoseconds: duration } }) },
});

type MarathonTaskDoc = { id: string; slaveId: string; state?: string; stagedAt?: string };

const newMockDir = defaultMockDirs();
const servers: MockServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function master() {
  const dir = newMockDir();
  const server = await startMockServer({ stateDir: dir, log: () => undefined });
  servers.push(server);
  const call = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = { method };
    if (body !== undefined) init.body = new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
    const res = await fetch(`${server.url}/mesos/master/${path}`, init);
    const text = await res.text();
    return { status: res.status, text, allow: res.headers.get('allow'), type: res.headers.get('content-type') };
  };
  const json = async (path: string) => JSON.parse((await call('GET', path)).text) as Record<string, unknown>;
  const schedule = (windows: unknown[]) => call('POST', 'maintenance/schedule', { windows });
  const agentIds = async () => ((await json('slaves')).slaves as { id: string }[]).map((a) => a.id);
  const tasks = async () => {
    const doc = JSON.parse(await (await fetch(`${server.url}/service/marathon/v2/tasks`)).text()) as { tasks: MarathonTaskDoc[] };
    return doc.tasks;
  };
  return { call, json, schedule, agentIds, tasks };
}

describe('mock /master/maintenance/schedule', () => {
  it('GET answers {} when nothing is scheduled, then the schedule exactly as posted', async () => {
    const m = await master();
    expect(await m.json('maintenance/schedule')).toEqual({});
    expect(await m.schedule([window([S0, S5])])).toMatchObject({ status: 200, text: '' });
    expect(await m.json('maintenance/schedule')).toEqual({ windows: [window([S0, S5])] });
    // Also under /mesos/ without master/, as Admin Router proxies both.
    expect((await m.call('GET', '../maintenance/schedule')).status).toBe(200);
  });

  it.each([
    ['an empty window', [window([])], 'List of machines in the maintenance window is empty'],
    ['a negative duration', [window([S0], -1)], "Unavailability 'duration' is negative"],
    ['a machine without hostname and ip', [window([{}])], "Both 'hostname' and 'ip' for a machine are empty"],
    ['a bad IP', [window([{ hostname: 'a', ip: '10.0.0.300' }])], 'Failed to parse IPv4: 10.0.0.300'],
    ['a machine twice', [window([S0]), window([{ hostname: '127.0.0.167'.toUpperCase(), ip: '127.0.0.167' }])], 'Machine \'{"hostname":"127.0.0.167","ip":"127.0.0.167"}\' appears more than once in the schedule'],
    ['no unavailability', [{ machine_ids: [S0] }], 'Missing required fields: windows[0].unavailability'],
    ['no start time', [{ machine_ids: [S0], unavailability: { start: {} } }], 'Missing required fields: windows[0].unavailability.start.nanoseconds'],
  ])('refuses %s with Mesos\'s 400', async (_what, windows, message) => {
    const m = await master();
    expect(await m.schedule(windows)).toMatchObject({ status: 400, text: message, type: 'text/plain; charset=utf-8' });
    expect(await m.json('maintenance/schedule')).toEqual({});
  });

  it('refuses a body that is not a JSON object, and other methods with 405 + Allow', async () => {
    const m = await master();
    expect(await m.call('POST', 'maintenance/schedule', '[]')).toMatchObject({ status: 400, text: 'Unexpected JSON type parsed' });
    expect((await m.call('POST', 'maintenance/schedule', '{"windows":')).text).toMatch(/^syntax error at line 1/);
    expect(await m.call('PUT', 'maintenance/schedule', '{}')).toMatchObject({
      status: 405,
      allow: 'GET, POST',
      text: "405 Method Not Allowed. Expecting one of { 'GET', 'POST' }, but received 'PUT'.",
    });
    expect(await m.call('GET', 'machine/down')).toMatchObject({ status: 405, allow: 'POST' });
  });
});

describe('mock machine modes: UP → DRAINING → DOWN → UP', () => {
  it('machine/down and machine/up refuse machines in the wrong mode with Mesos\'s texts', async () => {
    const m = await master();
    const S0TEXT = '{"hostname":"127.0.0.167","ip":"127.0.0.167"}';
    expect(await m.call('POST', 'machine/down', [])).toMatchObject({ status: 400, text: 'List of machines is empty' });
    expect(await m.call('POST', 'machine/down', {})).toMatchObject({ status: 400, text: 'Unexpected JSON type parsed' });
    // A registered agent's machine is known to the master (UP) but not scheduled.
    expect(await m.call('POST', 'machine/down', [S0])).toMatchObject({ status: 400, text: `Machine '${S0TEXT}' is not in DRAINING mode and cannot be brought down` });
    expect(await m.call('POST', 'machine/down', [{ hostname: 'nowhere' }])).toMatchObject({ status: 400, text: 'Machine \'{"hostname":"nowhere"}\' is not part of a maintenance schedule' });
    expect(await m.call('POST', 'machine/up', [S0])).toMatchObject({ status: 400, text: `Machine '${S0TEXT}' is not in DOWN mode and cannot be brought up` });
    await m.schedule([window([S0])]);
    expect(await m.call('POST', 'machine/up', [S0])).toMatchObject({ status: 400, text: `Machine '${S0TEXT}' is not in DOWN mode and cannot be brought up` });
    expect(await m.call('POST', 'machine/down', [S0])).toMatchObject({ status: 200 });
    // A DOWN machine cannot leave the schedule except through machine/up.
    expect(await m.schedule([])).toMatchObject({ status: 400, text: `Machine '${S0TEXT}' is deactivated and cannot be removed from the schedule` });
  });

  it('status shows DRAINING machines with inverse-offer answers, then DOWN; machine/down removes the agent and leaves resident tasks waiting; machine/up relaunches them', async () => {
    const m = await master();
    await m.schedule([window([S0, S5])]);
    expect(await m.json('maintenance/status')).toEqual({
      draining_machines: [
        // Jenkins (tasks on S0) accepts; Marathon never answers inverse offers; nothing else runs on S5.
        { id: S0, statuses: [{ status: 'ACCEPT', framework_id: { value: 'd935ca7e-e29d-4503-94e7-25fe9f16847c-0003' }, timestamp: { nanoseconds: expect.any(Number) } }] },
        { id: S5 },
      ],
    });
    const postgresOnS0 = (await m.tasks()).find((t) => t.slaveId === S(0) && t.id.startsWith('postgres.'));
    expect(postgresOnS0?.state).toBe('TASK_RUNNING');

    expect((await m.call('POST', 'machine/down', [S0])).status).toBe(200);
    expect(await m.json('maintenance/status')).toEqual({ draining_machines: [{ id: S5 }], down_machines: [S0] });
    expect(await m.agentIds()).not.toContain(S(0));
    expect((await fetch(`${servers[0]?.url}/agent/${S(0)}/state`)).status).toBe(404);
    const after = await m.tasks();
    const waiting = after.find((t) => t.id === postgresOnS0?.id);
    // Partition-aware Marathon gets TASK_GONE_BY_OPERATOR: the resident task keeps its reservation and waits.
    expect(waiting).toMatchObject({ slaveId: S(0), state: 'TASK_GONE_BY_OPERATOR' });
    expect(waiting?.stagedAt).toBeUndefined();
    // The stateless nginx instance on S0 is replaced on another agent.
    expect(after.filter((t) => t.id.startsWith('web_nginx.')).map((t) => t.slaveId)).not.toContain(S(0));
    const state = await m.json('state');
    const jenkins = (state.frameworks as { name: string; tasks: unknown[] }[]).find((f) => f.name === 'jenkins');
    expect(jenkins?.tasks).toEqual([]);

    expect((await m.call('POST', 'machine/up', [S0])).status).toBe(200);
    expect(await m.json('maintenance/status')).toEqual({ draining_machines: [{ id: S5 }] });
    expect(await m.json('maintenance/schedule')).toEqual({ windows: [window([S5])] });
    expect(await m.agentIds()).toContain(S(0));
    const relaunched = (await m.tasks()).find((t) => t.slaveId === S(0) && t.id.startsWith('postgres.'));
    expect(relaunched?.id).toBe(postgresOnS0?.id.replace(/\._app\.2$/, '._app.3'));
    expect(relaunched?.state).toBe('TASK_RUNNING');
  });

  it('removing a DRAINING machine from the schedule brings it back UP', async () => {
    const m = await master();
    await m.schedule([window([S0]), window([S5])]);
    await m.schedule([window([S5])]);
    expect(await m.json('maintenance/status')).toEqual({ draining_machines: [{ id: S5 }] });
    expect((await m.call('POST', 'machine/down', [S0])).text).toContain('is not in DRAINING mode');
  });
});
