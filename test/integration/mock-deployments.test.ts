import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finishDeployment, startDeployment } from '../../src/mock/deployments.js';
import { agentRoot } from '../../src/mock/paths.js';
import { hostPathOf } from '../../src/mock/sandbox.js';
import { resetMock } from '../../src/mock/scenario.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { MockStore } from '../../src/mock/store.js';
import type { MarathonFlavour } from '../../src/mock/types.js';
import { tempDir } from '../helpers/cli.js';

type Obj = Record<string, unknown>;
const SCENARIO_DEPLOYMENT = '97c136bf-5a28-4821-9d94-480d9fbb01c8';

const open: { server: MockServer; cleanup: () => void }[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) {
    await c.server.close();
    c.cleanup();
  }
});

async function cluster(flavour: MarathonFlavour) {
  const { dir, cleanup } = tempDir('stateful-ops-deploy-');
  resetMock({ stateDir: dir, scenario: 'default', flavour, requireAuth: false });
  const server = await startMockServer({ stateDir: dir, log: () => undefined });
  open.push({ server, cleanup });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/service/marathon${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: (text === '' ? undefined : JSON.parse(text)) as Obj & Obj[] };
  };
  // A second writer on the same state directory, as a test trigger would be.
  const store = new MockStore(dir);
  return { call, store, dir };
}

describe('GET /v2/deployments in each version’s shape', () => {
  it('1.1.1: step actions say "type", no affectedPods', async () => {
    const { call } = await cluster('1.1');
    expect((await call('GET', '/v2/deployments')).json).toEqual([
      {
        id: SCENARIO_DEPLOYMENT,
        version: expect.any(String),
        affectedApps: ['/web/nginx'],
        steps: [{ actions: [{ type: 'ScaleApplication', app: '/web/nginx' }] }],
        currentActions: [{ action: 'ScaleApplication', app: '/web/nginx', readinessCheckResults: [] }],
        currentStep: 1,
        totalSteps: 1,
      },
    ]);
  });

  for (const flavour of ['1.4', '1.10'] as const) {
    it(`${flavour}: affectedPods, step actions say "action"`, async () => {
      const { call } = await cluster(flavour);
      const [d] = (await call('GET', '/v2/deployments')).json as Obj[];
      expect(Object.keys(d as Obj)).toEqual(['id', 'version', 'affectedApps', 'affectedPods', 'steps', 'currentActions', 'currentStep', 'totalSteps']);
      expect(d).toMatchObject({ affectedPods: [], steps: [{ actions: [{ action: 'ScaleApplication', app: '/web/nginx' }] }] });
    });
  }
});

describe('deployments made by app writes and by startDeployment', () => {
  it('a scale-up that fits ends at once; one with no agent with room stays listed until rolled back', async () => {
    const { call } = await cluster('1.10');
    await call('DELETE', `/v2/deployments/${SCENARIO_DEPLOYMENT}?force=true`);
    const fits = await call('PUT', '/v2/apps/postgres', { instances: 3 });
    expect(fits.status).toBe(200);
    expect((await call('GET', '/v2/deployments')).json).toEqual([]);

    // /db/mysql needs 1 GiB of memory per instance: four private agents hold far fewer than 100.
    const stalled = await call('PUT', '/v2/apps/db/mysql', { instances: 100 });
    expect(stalled.status).toBe(200);
    const listed = (await call('GET', '/v2/deployments')).json as Obj[];
    expect(listed).toMatchObject([{ id: stalled.json.deploymentId, affectedApps: ['/db/mysql'], currentActions: [{ action: 'ScaleApplication', app: '/db/mysql' }] }]);
    const app = (await call('GET', '/v2/apps/db/mysql')).json.app as Obj;
    expect(app.deployments).toEqual([{ id: stalled.json.deploymentId }]);
    expect(app.tasksRunning as number).toBeLessThan(100);
    expect(app.tasksRunning as number).toBeGreaterThan(1);
    // Locked: another scale is refused without force.
    expect((await call('PUT', '/v2/apps/db/mysql', { instances: 2 })).status).toBe(409);

    // Without force the plan is reverted by a new deployment: back to the instances before it (0).
    const rollback = await call('DELETE', `/v2/deployments/${stalled.json.deploymentId as string}`);
    expect(rollback.status).toBe(200);
    expect(rollback.json.deploymentId).not.toBe(stalled.json.deploymentId);
    expect(((await call('GET', '/v2/apps/db/mysql')).json.app as Obj).instances).toBe(0);
    expect((await call('GET', '/v2/deployments')).json).toEqual([]);
  });

  it('startDeployment holds a deployment that locks the app until finishDeployment', async () => {
    const { call, store } = await cluster('1.4');
    const held = store.mutate((state) => startDeployment(state, { affectedApps: ['/postgres'], action: 'RestartApplication' }));
    const listed = (await call('GET', '/v2/deployments')).json as Obj[];
    expect(listed.map((d) => d.id)).toContain(held.id);
    expect(listed.find((d) => d.id === held.id)).toMatchObject({ currentActions: [{ action: 'RestartApplication', app: '/postgres' }], currentStep: 1, totalSteps: 1 });
    expect(((await call('GET', '/v2/apps/postgres')).json.app as Obj).deployments).toEqual([{ id: held.id }]);
    const locked = await call('PUT', '/v2/apps/postgres', { instances: 3 });
    expect(locked.status).toBe(409);
    expect(locked.json.deployments).toEqual([{ id: held.id }]);

    expect(store.mutate((state) => finishDeployment(state, held.id))).toBe(true);
    expect(((await call('GET', '/v2/deployments')).json as Obj[]).map((d) => d.id)).not.toContain(held.id);
    expect((await call('PUT', '/v2/apps/postgres', { instances: 3 })).status).toBe(200);
  });

  it('DELETE /v2/deployments/{id}?force=true cancels without a revert: 202, empty body; unknown id 404', async () => {
    const { call } = await cluster('1.10');
    const cancelled = await call('DELETE', `/v2/deployments/${SCENARIO_DEPLOYMENT}?force=true`);
    expect(cancelled.status).toBe(202);
    expect(cancelled.json).toBeUndefined();
    const again = await call('DELETE', `/v2/deployments/${SCENARIO_DEPLOYMENT}`);
    expect(again.status).toBe(404);
    expect(again.json).toEqual({ message: `DeploymentPlan ${SCENARIO_DEPLOYMENT} does not exist` });
  });
});

const residentApp = (id: string) => ({
  id,
  instances: 1,
  cpus: 0.1,
  mem: 32,
  container: {
    type: 'DOCKER',
    docker: { image: 'postgres:9.6' },
    volumes: [{ containerPath: 'pgdata', mode: 'RW', persistent: { size: 100 } }],
  },
});

describe('POST /v2/apps: a resident app is reserved, gets volumes and launches', () => {
  for (const flavour of ['1.1', '1.4', '1.10'] as const) {
    it(`${flavour}: 201 with the app as stored, then running on a reservation`, async () => {
      const { call, store } = await cluster(flavour);
      const created = await call('POST', '/v2/apps', residentApp('/db/pg2'));
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ id: '/db/pg2', instances: 1, tasksRunning: 0, deployments: [{ id: expect.any(String) }] });
      expect(created.json.upgradeStrategy).toEqual({ minimumHealthCapacity: 0.5, maximumOverCapacity: 0 });
      expect(created.headers.get('marathon-deployment-id')).toBe(flavour === '1.1' ? null : (created.json.deployments as Obj[])[0]?.id);
      const tasks = ((await call('GET', '/v2/apps/db/pg2/tasks')).json.tasks ?? []) as Obj[];
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toHaveProperty('stagedAt');
      const state = store.current();
      const task = state.tasks.find((t) => t.appId === '/db/pg2');
      expect(state.reservations.filter((r) => r.labels.some((l) => l.value === task?.reservationLabel))).toHaveLength(1);
      const again = await call('POST', '/v2/apps', residentApp('/db/pg2'));
      expect(again.status).toBe(409);
      expect(again.json).toEqual({ message: 'An app with id [/db/pg2] already exists.' });
    });
  }

  it('1.10 app JSON has no nulls and no storeUrls; 1.1 keeps them', async () => {
    const { call } = await cluster('1.10');
    await call('POST', '/v2/apps', residentApp('/pg3'));
    const app = (await call('GET', '/v2/apps/pg3')).json.app as Obj;
    expect(Object.entries(app).filter(([, v]) => v === null)).toEqual([]);
    expect(app).not.toHaveProperty('storeUrls');
    expect(app).toMatchObject({ residency: { relaunchEscalationTimeoutSeconds: 3600, taskLostBehavior: 'WAIT_FOREVER' }, unreachableStrategy: 'disabled' });
    const old = await cluster('1.1');
    await old.call('POST', '/v2/apps', residentApp('/pg3'));
    const oldApp = (await old.call('GET', '/v2/apps/pg3')).json.app as Obj;
    expect(oldApp).toMatchObject({ storeUrls: [], args: null, user: null });
  });

  it('validation errors are 422 with details, worded per version', async () => {
    const bad = { ...residentApp('/bad'), upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 1 }, acceptedResourceRoles: ['slave_public'] };
    const v110 = await (await cluster('1.10')).call('POST', '/v2/apps', bad);
    expect(v110.status).toBe(422);
    expect(v110.json).toEqual({
      message: 'Object is not valid',
      details: [
        { path: '/upgradeStrategy/maximumOverCapacity', errors: ['got 1.0, expected 0.0'] },
        { path: '/acceptedResourceRoles', errors: ['A resident app must have `acceptedResourceRoles = ["*"]`.'] },
      ],
    });
    const v11 = await (await cluster('1.1')).call('POST', '/v2/apps', bad);
    expect(v11.json.details).toContainEqual({ path: '/', errors: ['Resident apps may not define acceptedResourceRoles other than "*" (unreserved resources)'] });
    const noCmd = await (await cluster('1.4')).call('POST', '/v2/apps', { id: '/x' });
    expect(noCmd.json.details).toEqual([{ path: '/', errors: ["AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."] }]);
    const badId = await (await cluster('1.4')).call('POST', '/v2/apps', { id: '/Bad_Id', cmd: 'sleep 1' });
    expect(badId.json.details).toEqual([{ path: '/id', errors: [expect.stringMatching(/^must fully match regular expression/)] }]);
    const missingId = await (await cluster('1.1')).call('POST', '/v2/apps', { cmd: 'sleep 1' });
    expect(missingId).toMatchObject({ status: 400, json: { message: 'Invalid JSON' } });
  });

  it('DELETE /v2/apps/{id} destroys the volumes, releases the reservations and (Mesos ≥ 1.0) removes the data', async () => {
    const { call, store, dir } = await cluster('1.10');
    await call('POST', '/v2/apps', residentApp('/pg4'));
    const before = store.current();
    const task = before.tasks.find((t) => t.appId === '/pg4');
    expect(task).toBeDefined();
    const volumeDir = join(agentRoot(dir, task?.agentId ?? ''), hostPathOf(task?.role ?? '', { persistenceId: task?.localVolumes[0]?.persistenceId ?? '', containerPath: 'pgdata', sizeMb: 100 }));
    expect(existsSync(volumeDir)).toBe(true);
    const deleted = await call('DELETE', '/v2/apps/pg4');
    expect(deleted.status).toBe(200);
    const after = store.current();
    expect(after.reservations.some((r) => r.labels.some((l) => l.value === task?.reservationLabel))).toBe(false);
    expect(after.apps.map((a) => a.id)).not.toContain('/pg4');
    expect(existsSync(volumeDir)).toBe(false);
  });
});
