import { afterEach, describe, expect, it } from 'vitest';
import { finishDeployment, startDeployment } from '../../src/mock/deployments.js';
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
  return { call, store };
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
