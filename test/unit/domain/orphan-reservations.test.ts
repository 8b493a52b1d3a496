import { expect, it } from 'vitest';
import type { MesosResource, MesosSlaves } from '../../../src/model/mesos.js';
import { findOrphanReservations, releaseCalls } from '../../../src/domain/orphan-reservations.js';
import { describeWithReference, referenceJson } from '../../helpers/reference.js';

const fixture = () => referenceJson<MesosSlaves>('mesos-dcos/master-slaves-with-persistent-volume.json');

const MARATHON = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-0001';
const POSTGRES = 'postgres.53ab8733-fd96-11e5-8e70-76a1c19f8c3d';
const KAFKA = 'kafka_broker.7b1c1e53-0a4f-11ec-9a03-0242ac130003';
const S1 = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-S1';

const find = (slaves: MesosSlaves, known: string[], registered?: string[]) =>
  findOrphanReservations({
    slaves,
    frameworkId: MARATHON,
    marathonRoles: new Set(['slave_public']),
    knownTaskLabels: new Set(known),
    ...(registered ? { registeredFrameworks: new Set(registered) } : {}),
  });

describeWithReference('orphan reservations in the reference /slaves fixture', () => {
  it('none while Marathon knows both tasks; unlabelled and static reservations are never orphans', () => {
    expect(find(fixture(), [POSTGRES, KAFKA])).toEqual([]);
  });

  it("a task Marathon no longer has: its cpus, mem and MOUNT volume, with the calls that release them", () => {
    const [kafka, ...rest] = find(fixture(), [POSTGRES]);
    expect(rest).toEqual([]);
    expect(kafka).toMatchObject({
      agentId: S1,
      hostname: '127.0.0.168',
      role: 'slave_public',
      kind: 'unknown-task',
      frameworkId: MARATHON,
      taskLabel: KAFKA,
      principal: 'dcos_marathon',
      inUse: false,
      blocked: null,
      totals: { cpus: 0.1, memMb: 32, diskMb: 4096 },
      volumes: [{ persistenceId: 'kafka_broker#data#7b1c1e52-0a4f-11ec-9a03-0242ac130003', containerPath: 'data', diskMb: 4096 }],
    });
    const original = (fixture().slaves[0]?.reserved_resources_full?.slave_public ?? []).slice(3);
    expect(kafka?.resources).toEqual(original);
    const [destroy, unreserve] = kafka?.calls ?? [];
    expect(destroy).toEqual({ type: 'DESTROY_VOLUMES', destroy_volumes: { agent_id: { value: S1 }, volumes: [original[2]] } });
    // After DESTROY the disk is a plain reserved disk: no persistence, no volume, the MOUNT source kept.
    const disk = { ...(original[2] as MesosResource), disk: { source: { type: 'MOUNT', mount: { root: '/dcos/volume0' } } } };
    expect(unreserve).toEqual({ type: 'UNRESERVE_RESOURCES', unreserve_resources: { agent_id: { value: S1 }, resources: [original[0], original[1], disk] } });
  });

  it('a reservation a live task uses is reported but blocked', () => {
    const [postgres] = find(fixture(), [KAFKA]);
    expect(postgres).toMatchObject({ taskLabel: POSTGRES, inUse: true, blocked: expect.stringMatching(/a live task uses these resources/) });
  });

  it("another framework on Marathon's role: releasable only once that framework is known to be gone", () => {
    // The kafka reservation becomes a second Marathon's.
    const slaves = fixture();
    const other = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-0007';
    for (const r of (slaves.slaves[0]?.reserved_resources_full?.slave_public ?? []).slice(3)) {
      for (const labels of [r.reservation?.labels?.labels, r.reservations?.[0]?.labels?.labels]) {
        const fw = labels?.find((l) => l.key === 'marathon_framework_id');
        if (fw) fw.value = other;
      }
    }
    const unknown = find(slaves, [POSTGRES]);
    expect(unknown.map((r) => [r.kind, r.frameworkId, r.blocked])).toEqual([['other-framework', other, expect.stringMatching(/could not check/)]]);
    expect(find(slaves, [POSTGRES], [MARATHON, other])[0]?.blocked).toMatch(/is registered with Mesos/);
    expect(find(slaves, [POSTGRES], [MARATHON])[0]?.blocked).toBeNull();
    // On a role Marathon does not use, another framework's reservation is none of our business.
    expect(findOrphanReservations({ slaves, frameworkId: MARATHON, marathonRoles: new Set(['dev']), knownTaskLabels: new Set([POSTGRES]) })).toEqual([]);
  });

  it('a reservation without volumes is released by UNRESERVE_RESOURCES alone', () => {
    const cpus: MesosResource = { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, reservations: [{ type: 'DYNAMIC', role: 'r' }] };
    expect(releaseCalls('S9', [cpus])).toEqual([{ type: 'UNRESERVE_RESOURCES', unreserve_resources: { agent_id: { value: 'S9' }, resources: [cpus] } }]);
  });
});
