import { describe, expect, it } from 'vitest';
import { residentImpact, type ResidentApp } from '../../../../src/domain/restart-check/impact.js';

describe('residentImpact', () => {
  const instance = (taskId: string, agentId: string | null, state: 'running' | 'waiting' | 'agent-lost', healthy: boolean | null = null) => ({
    task: taskId, agentId, host: agentId, state, healthy, persistenceIds: [`${taskId}#v`],
  });
  const apps: ResidentApp[] = [
    { app: '/postgres', instances: 2, tasks: [instance('p1', 'S0', 'running'), instance('p2', 'S1', 'waiting'), instance('p3', 'S2', 'agent-lost')] },
    { app: '/kafka', instances: 1, tasks: [instance('k1', 'S4', 'running')] },
    { app: '/cassandra', instances: 2, tasks: [instance('c1', 'S0', 'running'), instance('c2', 'S3', 'running', true), instance('c3', 'S5', 'running', false)] },
    { app: '/mysql', instances: 0, tasks: [instance('m1', 'S3', 'waiting')] },
  ];

  it('names apps losing their last running instance, and data with no other copy', () => {
    const impact = residentImpact(apps, new Set(['S0', 'S4']), new Set(['p1', 'k1', 'c1']));
    expect(impact.map((a) => [a.app, a.healthyElsewhere, a.instancesElsewhere, a.losesLastInstance, a.onlyCopy])).toEqual([
      ['/cassandra', 1, 2, false, false],
      ['/kafka', 0, 0, true, true],
      ['/postgres', 0, 2, true, false],
    ]);
  });

  it('an instance that survives the restart keeps the app available; waiting instances are not "lost"', () => {
    expect(residentImpact(apps, new Set(['S0']), new Set())[1]).toMatchObject({ app: '/postgres', losesLastInstance: false });
    expect(residentImpact(apps, new Set(['S3']), new Set())).toEqual([
      expect.objectContaining({ app: '/cassandra', losesLastInstance: false }),
      expect.objectContaining({ app: '/mysql', losesLastInstance: false, onlyCopy: false }),
    ]);
  });
});
