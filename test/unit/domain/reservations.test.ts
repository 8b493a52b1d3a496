import { describe, expect, it } from 'vitest';
import type { MesosAgent, MesosResource, MesosSlaves } from '../../../src/model/mesos.js';
import { indexReservations, reservationRole, volumeSourceOf } from '../../../src/domain/reservations.js';
import { describeWithReference, referenceJson } from '../../helpers/reference.js';

describeWithReference('the master /slaves fixture', () => {
  const reservations = () => indexReservations(referenceJson<MesosSlaves>('mesos-dcos/master-slaves-with-persistent-volume.json'));

  it('reads labels, in-use state and the refined role', () => {
    const index = reservations();
    const [pg, kafka, pv] = index.allVolumes();
    expect(pg?.taskLabel).toBe('postgres.53ab8733-fd96-11e5-8e70-76a1c19f8c3d');
    expect(pg?.frameworkId).toBe('d935ca7e-e29d-4503-94e7-25fe9f16847c-0001');
    expect(pg?.inUse).toBe(true);
    expect(kafka?.inUse).toBe(false);
    expect(pv?.role).toBe('dev/backend');
    expect(pv?.frameworkId).toBeUndefined();
    expect(index.presenceOf('d935ca7e-e29d-4503-94e7-25fe9f16847c-S1')).toBe('active');
    expect(index.presenceOf('d935ca7e-e29d-4503-94e7-25fe9f16847c-S9')).toBe('gone');
    expect(index.hasReservation('d935ca7e-e29d-4503-94e7-25fe9f16847c-S1', ['kafka_broker.7b1c1e53-0a4f-11ec-9a03-0242ac130003'])).toBe(true);
  });
});

const label = (value: string) => ({ labels: { labels: [{ key: 'marathon_task_id', value }] } });
const volume = (persistenceId: string, over: Partial<MesosResource> = {}): MesosResource => ({
  name: 'disk',
  type: 'SCALAR',
  scalar: { value: 64 },
  reservations: [{ type: 'DYNAMIC', role: 'slave_public', ...label(`task-of-${persistenceId}`) }],
  disk: { persistence: { id: persistenceId } },
  ...over,
});
const agent = (id: string, reserved: MesosResource[], over: Partial<MesosAgent> = {}): MesosAgent => ({ id, hostname: `host-${id}`, reserved_resources_full: { slave_public: reserved }, ...over });

describe('reading the reservations of a /slaves answer', () => {
  it("a refined reservation belongs to its innermost role, with that reservation's labels", () => {
    const refined = volume('p', {
      reservations: [
        { type: 'DYNAMIC', role: 'dev', ...label('outer') },
        { type: 'DYNAMIC', role: 'dev/backend', ...label('inner') },
      ],
    });
    expect(reservationRole(refined)).toBe('dev/backend');
    const [found] = indexReservations({ slaves: [agent('S1', [refined])] }).allVolumes();
    expect(found).toMatchObject({ role: 'dev/backend', taskLabel: 'inner' });
  });

  it('the pre-refinement format (role and reservation.labels) reads the same', () => {
    const old = volume('p', { reservations: undefined, role: 'slave_public', reservation: label('old-task') });
    const [found] = indexReservations({ slaves: [agent('S1', [old])] }).allVolumes();
    expect(found).toMatchObject({ agentId: 'S1', hostname: 'host-S1', role: 'slave_public', persistenceId: 'p', taskLabel: 'old-task', diskMb: 64, inUse: false });
  });

  it("only disks with a persistence id are volumes; a labelled cpus reservation still counts as the task's reservation", () => {
    const cpus: MesosResource = { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, reservations: [{ type: 'DYNAMIC', role: 'slave_public', ...label('t1') }] };
    const index = indexReservations({ slaves: [agent('S1', [cpus])] });
    expect(index.allVolumes()).toEqual([]);
    expect(index.hasReservation('S1', ['t0', 't1'])).toBe(true);
    expect(index.hasReservation('S2', ['t1'])).toBe(false);
  });

  it("finds a volume by agent and persistence id, or by any of the task's labels, once each", () => {
    const index = indexReservations({ slaves: [agent('S1', [volume('p1')]), agent('S2', [volume('p2')])] });
    expect(index.volumesOn('S1', 'p1').map((v) => v.agentId)).toEqual(['S1']);
    expect(index.volumesOn('S2', 'p1')).toEqual([]);
    expect(index.volumesLabelled(['task-of-p2', 'task-of-p2', 'unknown']).map((v) => v.persistenceId)).toEqual(['p2']);
  });

  it('a volume a container uses is in use', () => {
    const used = volume('p');
    const index = indexReservations({ slaves: [agent('S1', [used], { used_resources_full: [used] })] });
    expect(index.allVolumes()[0]?.inUse).toBe(true);
  });
});

describe('where Mesos put a volume', () => {
  const source = (s: NonNullable<MesosResource['disk']>['source']) => volumeSourceOf(volume('p', { disk: { persistence: { id: 'p' }, ...(s ? { source: s } : {}) } }));
  it('no source is the root disk; MOUNT and PATH disks carry their root', () => {
    expect(source(undefined)).toEqual({ type: 'ROOT' });
    expect(source({ type: 'MOUNT', mount: { root: '/dcos/volume0' } })).toEqual({ type: 'MOUNT', root: '/dcos/volume0' });
    expect(source({ type: 'PATH', path: { root: '/dcos/path0' } })).toEqual({ type: 'PATH', root: '/dcos/path0' });
  });

  it('anything else is unsupported and says what it is: CSI volumes, BLOCK disks, a MOUNT without root', () => {
    expect(source({ type: 'MOUNT', id: 'csi-1', mount: { root: '/x' } })).toEqual({ type: 'UNSUPPORTED', detail: 'CSI volume (source id csi-1)' });
    expect(source({ type: 'BLOCK' })).toEqual({ type: 'UNSUPPORTED', detail: 'BLOCK disk' });
    expect(source({ type: 'MOUNT' })).toEqual({ type: 'UNSUPPORTED', detail: 'MOUNT disk' });
  });
});

describe('whether an agent is still there', () => {
  const listing: MesosSlaves = {
    slaves: [agent('S1', []), agent('S2', [], { active: false })],
    recovered_slaves: [agent('S3', [])],
  };
  it('active, inactive (deactivated or only recovered after a master failover), or gone', () => {
    const index = indexReservations(listing);
    expect(['S1', 'S2', 'S3', 'S9'].map((id) => index.presenceOf(id))).toEqual(['active', 'inactive', 'inactive', 'gone']);
    expect(index.presenceOf(null)).toBe('gone');
    expect(index.reservationsKnown).toBe(true);
  });

  it('without a listing nothing is known; a listing without reservations says so', () => {
    const none = indexReservations(undefined);
    expect(none.presenceOf('S1')).toBe('unknown');
    expect(none.reservationsKnown).toBe(false);
    expect(indexReservations(listing, false).reservationsKnown).toBe(false);
  });
});
