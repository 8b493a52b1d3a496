import { describe, expect, it } from 'vitest';
import { classifyStatefulTask, isLaunched, isStatefulTask } from '../../../src/domain/waiting.js';
import type { MarathonTask } from '../../../src/model/marathon.js';

import { describeWithReference, referenceJson } from '../../helpers/reference.js';

const reference = (name: string) => referenceJson<{ tasks: MarathonTask[] }>(`marathon/${name}`).tasks;

describeWithReference('waiting detection on the upstream-derived fixtures', () => {
  for (const file of ['v1.1-app-tasks-waiting.json', 'v1.4-app-tasks-waiting.json', 'v1.10-app-tasks-waiting.json']) {
    it(`${file}: the running task is running, the reserved one is waiting`, () => {
      const [running, waiting] = reference(file);
      expect(running && waiting).toBeTruthy();
      expect(classifyStatefulTask(running!, 'active').state).toBe('running');
      expect(classifyStatefulTask(waiting!, 'active').state).toBe('waiting');
    });
  }

  it('1.1.1 has no state field at all: a waiting task is still detected', () => {
    const [, waiting] = reference('v1.1-app-tasks-waiting.json');
    const { state: _dropped, ...withoutState } = waiting!;
    expect(classifyStatefulTask(withoutState, 'active').state).toBe('waiting');
  });
});

describe('classifyStatefulTask', () => {
  const base: MarathonTask = {
    id: 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1',
    slaveId: 'S1',
    host: '127.0.0.168',
    localVolumes: [{ containerPath: 'pgdata', persistenceId: 'postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d' }],
  };

  it('never decides from state alone: TASK_STAGING with stagedAt is a launched (staging) task', () => {
    const staging = { ...base, state: 'TASK_STAGING', stagedAt: '2020-01-01T00:00:00.000Z', startedAt: null };
    expect(classifyStatefulTask(staging, 'active')).toEqual({ state: 'running', launched: true });
  });

  it('TASK_STAGING without stagedAt (1.4–1.7 waiting) is waiting', () => {
    expect(classifyStatefulTask({ ...base, state: 'TASK_STAGING' }, 'active').state).toBe('waiting');
  });

  it('1.8+ terminal states without stagedAt are waiting', () => {
    for (const state of ['TASK_KILLED', 'TASK_FAILED', 'TASK_FINISHED', 'TASK_ERROR', 'TASK_DROPPED']) {
      expect(classifyStatefulTask({ ...base, state }, 'active').state).toBe('waiting');
    }
  });

  it('an unreachable/lost launched task is agent-lost', () => {
    for (const state of ['TASK_UNREACHABLE', 'TASK_LOST', 'TASK_GONE', 'TASK_UNKNOWN']) {
      const t = { ...base, state, stagedAt: '2020-01-01T00:00:00.000Z' };
      const c = classifyStatefulTask(t, 'active');
      expect(c.state).toBe('agent-lost');
      expect(c.lostReason).toContain(state);
    }
  });

  it('a task on an agent the master no longer lists is agent-lost, waiting or not', () => {
    expect(classifyStatefulTask(base, 'gone').state).toBe('agent-lost');
    expect(classifyStatefulTask({ ...base, stagedAt: 'x' }, 'inactive').state).toBe('agent-lost');
  });

  it('unknown agent presence (Mesos unreachable) falls back to Marathon alone', () => {
    expect(classifyStatefulTask(base, 'unknown').state).toBe('waiting');
  });

  it('stateful means a non-empty localVolumes; stagedAt null counts as not launched', () => {
    expect(isStatefulTask({ id: 'x', localVolumes: [] })).toBe(false);
    expect(isStatefulTask({ id: 'x' })).toBe(false);
    expect(isLaunched({ id: 'x', stagedAt: null })).toBe(false);
  });
});
