import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MesosResource } from '../../src/model/mesos.js';
import { releaseCalls } from '../../src/domain/orphan-reservations.js';
import { agentRoot } from '../../src/mock/paths.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { MockStore } from '../../src/mock/store.js';
import { defaultMockDirs, S } from '../helpers/mock-dirs.js';

// The mock master's v1 operator API over real HTTP: what `volumes orphans --release-reservations` sends.
const ROLES = '/var/lib/mesos/slave/volumes/roles/slave_public';
const ORPHAN_LABEL = 'db_mysql.instance-6a1e3b52-0a4f-11ec-9a03-0242ac130003';
const ORPHAN_VOLUME = 'db_mysql#data#6a1e3b51-0a4f-11ec-9a03-0242ac130003';
const RUNNING_VOLUME = 'postgres#pgdata#4f2a1c10-fd96-11e5-8e70-76a1c19f8c3d';

type Agent = { id: string; reserved_resources_full: Record<string, MesosResource[]> };

const newMockDir = defaultMockDirs();
const servers: MockServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function cluster() {
  const dir = newMockDir();
  const server = await startMockServer({ stateDir: dir, log: () => undefined });
  servers.push(server);
  const post = async (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
    // Bytes, not a string: fetch would add a text/plain content type of its own.
    const bytes = new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
    const res = await fetch(`${server.url}/mesos/api/v1`, { method: 'POST', headers, body: bytes });
    return { status: res.status, text: await res.text() };
  };
  const agent = async (n: number) => {
    const slaves = (await (await fetch(`${server.url}/mesos/slaves?slave_id=${S(n)}`)).json()) as { slaves: Agent[] };
    return slaves.slaves[0] as Agent;
  };
  const labelled = async (n: number, label: string) =>
    ((await agent(n)).reserved_resources_full.slave_public ?? []).filter((r) => JSON.stringify(r.reservations).includes(label));
  return { dir, server, post, agent, labelled };
}

describe('POST /mesos/api/v1', () => {
  it('DESTROY_VOLUMES then UNRESERVE_RESOURCES (202 each) release a reservation; Mesos deletes the volume data', async () => {
    const { dir, post, labelled } = await cluster();
    const resources = await labelled(3, ORPHAN_LABEL);
    expect(resources.map((r) => r.name)).toEqual(['cpus', 'mem', 'disk']);
    const volumeDir = join(agentRoot(dir, S(3)), ROLES, ORPHAN_VOLUME);
    expect(readdirSync(volumeDir).length).toBeGreaterThan(0);
    const [destroy, unreserve] = releaseCalls(S(3), resources);

    expect(await post(destroy)).toEqual({ status: 202, text: '' });
    const afterDestroy = await labelled(3, ORPHAN_LABEL);
    expect(afterDestroy.map((r) => [r.name, r.disk?.persistence?.id ?? null])).toEqual([['cpus', null], ['mem', null], ['disk', null]]);
    expect(existsSync(volumeDir)).toBe(false);
    // The same DESTROY again: the volume is gone.
    expect(await post(destroy)).toEqual({ status: 400, text: 'Invalid DESTROY operation: Persistent volumes not found' });

    expect(await post(unreserve)).toEqual({ status: 202, text: '' });
    expect(await labelled(3, ORPHAN_LABEL)).toEqual([]);
    // Marathon's own reservations on that agent are untouched.
    expect(JSON.stringify(await labelled(3, 'db_mysql.instance-6a1e3b42'))).toContain('db_mysql#data#6a1e3b40');
  });

  it('refuses an unknown or lost agent, a persistent volume in UNRESERVE, a volume in use, and what the agent does not hold', async () => {
    const { post, labelled } = await cluster();
    const orphan = await labelled(3, ORPHAN_LABEL);
    const [destroy, unreserve] = releaseCalls(S(3), orphan);
    for (const agentId of ['no-such-agent', S(2)]) {
      expect(await post({ ...destroy, destroy_volumes: { agent_id: { value: agentId }, volumes: orphan.slice(2) } })).toEqual({ status: 400, text: 'No agent found with specified ID' });
    }
    const withVolume = await post({ type: 'UNRESERVE_RESOURCES', unreserve_resources: { agent_id: { value: S(3) }, resources: orphan } });
    expect(withVolume.status).toBe(400);
    expect(withVolume.text).toMatch(/^Invalid UNRESERVE operation: A dynamically reserved persistent volume disk\(.*\):1024 cannot be unreserved$/);

    const running = (await labelled(0, 'postgres.instance-4f2a1c11')).filter((r) => r.disk?.persistence?.id === RUNNING_VOLUME);
    expect(await post({ type: 'DESTROY_VOLUMES', destroy_volumes: { agent_id: { value: S(0) }, volumes: running } })).toEqual({
      status: 400,
      text: 'Invalid DESTROY operation: Persistent volumes in use',
    });
    // Resources of the reservation on another agent: that agent does not hold them.
    const elsewhere = (unreserve as { unreserve_resources: { resources: MesosResource[] } }).unreserve_resources.resources.slice(0, 1);
    const conflict = await post({ type: 'UNRESERVE_RESOURCES', unreserve_resources: { agent_id: { value: S(5) }, resources: elsewhere } });
    expect(conflict.status).toBe(409);
    // A volume must match the agent's copy exactly: another size is a different resource.
    const resized = { ...(orphan[2] as MesosResource), scalar: { value: 2048 } };
    expect((await post({ type: 'DESTROY_VOLUMES', destroy_volumes: { agent_id: { value: S(3) }, volumes: [resized] } })).status).toBe(400);
    // Nothing of that changed anything.
    expect(await labelled(3, ORPHAN_LABEL)).toEqual(orphan);
  });

  it('a shared volume: DESTROY clears `shared`, so the UNRESERVE must not carry it', async () => {
    const { dir, post, labelled } = await cluster();
    new MockStore(dir).mutate((state) => {
      const volume = state.reservations.flatMap((r) => r.volumes).find((v) => v.persistenceId === ORPHAN_VOLUME);
      if (volume) volume.shared = true;
    });
    const orphan = await labelled(3, ORPHAN_LABEL);
    expect(orphan[2]).toMatchObject({ shared: {}, disk: { persistence: { id: ORPHAN_VOLUME } } });
    const [destroy, unreserve] = releaseCalls(S(3), orphan);
    expect(JSON.stringify(unreserve)).not.toContain('shared');
    expect((await post(destroy)).status).toBe(202);
    expect((await labelled(3, ORPHAN_LABEL))[2]).not.toHaveProperty('shared');
    // The disk as it was listed before the DESTROY, minus the volume, but still shared: Mesos refuses it.
    const { disk: _volume, ...stillShared } = orphan[2] as MesosResource;
    const refused = await post({ type: 'UNRESERVE_RESOURCES', unreserve_resources: { agent_id: { value: S(3) }, resources: [stillShared] } });
    expect(refused).toEqual({ status: 400, text: 'Invalid UNRESERVE operation: Invalid resources: Only persistent volumes can be shared' });
    expect((await post(unreserve)).status).toBe(202);
    expect(await labelled(3, ORPHAN_LABEL)).toEqual([]);
  });

  it('checks method, content type and body like the master', async () => {
    const { server, post } = await cluster();
    expect((await fetch(`${server.url}/mesos/api/v1`)).status).toBe(405);
    expect(await post('{}', {})).toMatchObject({ status: 400, text: "Expecting 'Content-Type' to be present" });
    expect((await post('{}', { 'content-type': 'text/plain' })).status).toBe(415);
    // Mesos compares the whole header: parameters or another case are unsupported too.
    expect((await post('{}', { 'content-type': 'application/json; charset=utf-8' })).status).toBe(415);
    expect((await post('{}', { 'content-type': 'Application/JSON' })).status).toBe(415);
    expect((await post('{not json', { 'content-type': 'application/json' })).text).toMatch(/^Failed to parse body into JSON/);
    expect((await post({ type: 'GET_AGENTS' })).status).toBe(501);
  });
});
