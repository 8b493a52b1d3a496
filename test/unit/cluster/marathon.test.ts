import { describe, expect, it } from 'vitest';
import { decodePodInstances } from '../../../src/cluster/marathon.js';

describe('pod instances hold reservations too', () => {
  it('every instance id of /v2/pods/::status counts as a known reservation label, with the persistence ids it lists', () => {
    const status = [
      { id: '/cassandra', instances: [{ id: 'cassandra.instance-0b1c2d3e-0a4f-11ec-9a03-0242ac130003', agentId: 'S1' }] },
      { id: '/idle', instances: [] },
      { id: '/new' },
    ];
    expect(decodePodInstances(status)).toEqual([{ id: 'cassandra.instance-0b1c2d3e-0a4f-11ec-9a03-0242ac130003', persistenceIds: [] }]);
    const withVolumes = [{ id: '/c', instances: [{ id: 'c.instance-1', localVolumes: [{ containerPath: 'data', persistenceId: 'c#data#1' }] }] }];
    expect(decodePodInstances(withVolumes)).toEqual([{ id: 'c.instance-1', persistenceIds: ['c#data#1'] }]);
    expect(() => decodePodInstances([{ instances: [{ id: 'x', localVolumes: [{}] }] }])).toThrow(/localVolumes\[0\]\.persistenceId/);
    expect(() => decodePodInstances({ pods: [] })).toThrow(/expected an array/);
    expect(() => decodePodInstances([{ instances: [{}] }])).toThrow(/\[0\]\.instances\[0\]\.id/);
  });
});
