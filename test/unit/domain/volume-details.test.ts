import { describe, expect, it } from 'vitest';
import type { MarathonApp, MarathonTask } from '../../../src/model/marathon.js';
import type { MesosResource, MesosSlaves } from '../../../src/model/mesos.js';
import { indexReservations } from '../../../src/domain/reservations.js';
import { appVolumeFor, diskRootsFrom, volumeDetails, workDirFrom, type VolumeDetailInput } from '../../../src/domain/volume-details.js';

const AGENT = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-S1';
const INSTANCE = 'db_pg.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d';
const TASK = `${INSTANCE}._app.1`;
const PID = 'db_pg#data#53ab8732-fd96-11e5-8e70-76a1c19f8c3d';
const ROLES = '/var/lib/mesos/slave/volumes/roles';

const task = (over: Partial<MarathonTask> = {}): MarathonTask => ({
  id: TASK,
  appId: '/db/pg',
  host: '127.0.0.168',
  slaveId: AGENT,
  localVolumes: [{ containerPath: 'data', persistenceId: PID }],
  ...over,
});
const app = (persistent: Record<string, unknown> = { size: 512 }): MarathonApp =>
  ({ id: '/db/pg', container: { volumes: [{ containerPath: 'data', mode: 'RW', persistent }] } }) as MarathonApp;

/** The disk resource Mesos reserves for the volume, labelled by Marathon with the instance id. */
const reservedDisk = (role: string, source?: { type: string; mount?: { root: string } }): MesosResource => ({
  name: 'disk',
  type: 'SCALAR',
  scalar: { value: 512 },
  reservations: [{ type: 'DYNAMIC', role, labels: { labels: [{ key: 'marathon_task_id', value: INSTANCE }] } }],
  disk: { persistence: { id: PID }, volume: { container_path: 'data', mode: 'RW' }, ...(source ? { source } : {}) },
});
const slaves = (resources: MesosResource[], used: MesosResource[] = []): MesosSlaves =>
  ({ slaves: [{ id: AGENT, hostname: '127.0.0.168', reserved_resources_full: { any: resources }, used_resources_full: used }] }) as MesosSlaves;

const workDir = workDirFrom({ work_dir: '/var/lib/mesos/slave' });
const details = (over: Partial<VolumeDetailInput> = {}) => {
  const [detail, ...more] = volumeDetails({ task: task(), app: app(), reservations: indexReservations(slaves([reservedDisk('slave_public')])), marathonRole: null, workDir, ...over });
  expect(more).toEqual([]);
  return detail;
};

describe('where a persistent volume lives on its agent', () => {
  it('a root-disk volume Mesos reserves: the path under the reservation role, with the definition it came from', () => {
    expect(details()).toMatchObject({
      app: '/db/pg',
      task: TASK,
      agentId: AGENT,
      host: '127.0.0.168',
      persistenceIdValid: true,
      mode: 'RW',
      sizeMb: 512,
      type: 'root',
      role: 'slave_public',
      roleSource: 'reservation',
      workDirSource: 'agent-flags',
      hostPath: `${ROLES}/slave_public/${PID}`,
      hostPathProblem: null,
      isMountRoot: false,
      mesos: { reservationKnown: true, volumeKnown: true, inUse: false, source: 'ROOT' },
      notes: [],
    });
  });

  it('a role with / becomes one directory with a space, as the agent writes it', () => {
    const reservations = indexReservations(slaves([reservedDisk('dev/backend')]));
    expect(details({ reservations })?.hostPath).toBe(`${ROLES}/dev backend/${PID}`);
  });

  it("the role Mesos reserved the volume for wins over the task's, and the difference is noted", () => {
    const detail = details({ task: task({ role: 'slave_public' }), reservations: indexReservations(slaves([reservedDisk('dev')])) });
    expect(detail).toMatchObject({ role: 'dev', roleSource: 'reservation', hostPath: `${ROLES}/dev/${PID}` });
    expect(detail?.notes).toEqual(["Mesos reserves this volume for role 'dev', not 'slave_public'; the Mesos role is used for the path"]);
  });

  it('a volume Mesos forgot: the path from the task role or Marathon mesos_role, with a note; without either no path', () => {
    const forgotten = indexReservations(slaves([]));
    expect(details({ reservations: forgotten, task: task({ role: 'slave_public' }) })).toMatchObject({ roleSource: 'task', hostPath: `${ROLES}/slave_public/${PID}` });
    const fromConfig = details({ reservations: forgotten, marathonRole: 'slave_public' });
    expect(fromConfig).toMatchObject({ roleSource: 'marathon-config', hostPath: `${ROLES}/slave_public/${PID}`, mesos: { reservationKnown: false, volumeKnown: false, source: null } });
    expect(fromConfig?.notes).toEqual(['Mesos no longer lists a reservation for this task on its agent']);
    expect(details({ reservations: forgotten })).toMatchObject({ role: null, hostPath: null, hostPathProblem: expect.stringMatching(/^role unknown/) as string });
  });

  it('a MOUNT volume is its mount root, marked so that only its contents are ever deleted', () => {
    const reservations = indexReservations(slaves([reservedDisk('slave_public', { type: 'MOUNT', mount: { root: '/dcos/volume0/' } })]));
    expect(details({ reservations, app: app({ size: 512, type: 'mount' }) })).toMatchObject({ type: 'mount', hostPath: '/dcos/volume0', isMountRoot: true, mesos: { source: 'MOUNT' } });
  });

  it('a mount or path volume Mesos no longer reports has no path: its root is known only to Mesos', () => {
    const detail = details({ reservations: indexReservations(slaves([])), marathonRole: 'slave_public', app: app({ size: 512, type: 'mount' }) });
    expect(detail).toMatchObject({ hostPath: null, hostPathProblem: 'the volume is a MOUNT/PATH disk and Mesos no longer reports its root' });
  });

  it('an unsafe persistence id never yields a path', () => {
    const bad = task({ localVolumes: [{ containerPath: 'data', persistenceId: '..' }] });
    const detail = details({ task: bad, marathonRole: 'slave_public' });
    expect(detail).toMatchObject({ persistenceIdValid: false, hostPath: null, hostPathProblem: "persistence id '..' is a relative directory name" });
  });

  it('a volume a running container uses is in use', () => {
    const disk = reservedDisk('slave_public');
    expect(details({ reservations: indexReservations(slaves([disk], [disk])) })?.mesos.inUse).toBe(true);
  });

  it('a task not placed on an agent has no reservation to miss', () => {
    const detail = details({ task: task({ slaveId: null }), marathonRole: 'slave_public' });
    expect(detail).toMatchObject({ agentId: null, mesos: { reservationKnown: false, volumeKnown: false } });
    expect(detail?.notes).toEqual([]);
  });

  it('without the app definition the volume is still found on the root disk, its mode and size unknown', () => {
    expect(details({ app: undefined })).toMatchObject({ mode: null, sizeMb: null, type: null, hostPath: `${ROLES}/slave_public/${PID}` });
  });
});

describe("the agent's work_dir and disk roots", () => {
  it('work_dir from the live /flags; else the DC/OS default, with the reason carried into every volume', () => {
    expect(workDirFrom({ work_dir: '/srv/mesos' })).toEqual({ workDir: '/srv/mesos', source: 'agent-flags', diskRoots: { mount: [], path: [] } });
    const fallback = workDirFrom(undefined, 'agent /flags answered 503');
    expect(fallback).toEqual({
      workDir: '/var/lib/mesos/slave',
      source: 'dcos-default',
      note: "work_dir is DC/OS's default /var/lib/mesos/slave: agent /flags answered 503",
      diskRoots: null,
    });
    expect(workDirFrom({}).note).toMatch(/the agent \/flags has no work_dir$/);
    expect(details({ workDir: fallback })).toMatchObject({ workDirSource: 'dcos-default', notes: [fallback.note] });
  });

  it('MOUNT and PATH roots come only from the JSON form of --resources', () => {
    const json = JSON.stringify([
      { name: 'disk', disk: { source: { type: 'MOUNT', mount: { root: '/dcos/volume0' } } } },
      { name: 'disk', disk: { source: { type: 'PATH', path: { root: '/dcos/path0' } } } },
      { name: 'cpus', type: 'SCALAR', scalar: { value: 4 } },
      null,
    ]);
    expect(diskRootsFrom(json)).toEqual({ mount: ['/dcos/volume0'], path: ['/dcos/path0'] });
    for (const none of [undefined, 'cpus:4;mem:1024', '[not json', '{"a":1}']) expect(diskRootsFrom(none), String(none)).toEqual({ mount: [], path: [] });
  });
});

describe("the app volume a task's volume belongs to", () => {
  it('by name first (1.6+ names persistent volumes), else by containerPath; host volumes never', () => {
    const named = { containerPath: 'pgdata', name: 'data', mode: 'RW', persistent: { size: 1 } };
    const byPath = { containerPath: 'data', mode: 'RW', persistent: { size: 2 } };
    const host = { containerPath: 'logs', hostPath: '/var/log', mode: 'RW' };
    const definition = { id: '/db/pg', container: { volumes: [byPath, named, host] } } as MarathonApp;
    expect(appVolumeFor(definition, { containerPath: 'data', persistenceId: PID })).toBe(named);
    expect(appVolumeFor(definition, { containerPath: 'logs', persistenceId: PID })).toBeUndefined();
    expect(appVolumeFor(undefined, { containerPath: 'data', persistenceId: PID })).toBeUndefined();
  });
});
