import { describe, expect, it } from 'vitest';
import type { MarathonTask } from '../../../src/model/marathon.js';
import { isShown, mesosCheckWord } from '../../../src/domain/stateful-tasks.js';

const volume = { containerPath: 'data', persistenceId: 'db#data#1' };
const waiting: MarathonTask = { id: 'db.instance-1._app.1', appId: '/db', slaveId: 'S1', host: 'h1', localVolumes: [volume] };
const running: MarathonTask = { ...waiting, id: 'db.instance-2._app.1', state: 'TASK_RUNNING', stagedAt: '2021-01-01T00:00:00Z' };
const stateless: MarathonTask = { id: 'web.1', appId: '/web', slaveId: 'S1', state: 'TASK_RUNNING', stagedAt: '2021-01-01T00:00:00Z' };
const all = { includeRunning: true };
const waitingOnly = { includeRunning: false };

describe('isShown: which tasks are rows of tasks list', () => {
  it('waiting stateful tasks are shown; running ones only with --all; stateless never', () => {
    expect(isShown(waiting, 'active', waitingOnly)).toBe(true);
    expect(isShown(running, 'active', waitingOnly)).toBe(false);
    expect(isShown(running, 'active', all)).toBe(true);
    expect(isShown(stateless, 'active', all)).toBe(false);
  });

  it('a running task on a gone or inactive agent is agent-lost: shown', () => {
    expect(isShown(running, 'gone', waitingOnly)).toBe(true);
    expect(isShown(running, 'inactive', waitingOnly)).toBe(true);
  });

  it('with the agent not known yet only the app and agent filters decide (nothing is dropped on a guess)', () => {
    expect(isShown(running, undefined, waitingOnly)).toBe(true);
    expect(isShown(running, undefined, { includeRunning: false, app: (id) => id === '/other' })).toBe(false);
    expect(isShown(running, undefined, { includeRunning: false, agent: 'S2' })).toBe(false);
    expect(isShown(running, undefined, { includeRunning: false, agent: 'h1' })).toBe(true);
  });
});

const vol = (known: boolean | null, inUse = false) => ({
  containerPath: 'data',
  persistenceId: 'p#data#u',
  persistenceIdValid: true,
  persistenceIdProblem: null,
  uuid: null,
  mesos: { known, role: null, inUse, source: null },
});

describe('the MESOS word of tasks list --reservations', () => {
  it('ok, missing, in-use, unknown', () => {
    expect(mesosCheckWord({ state: 'waiting', agentId: 'a', volumes: [vol(true)] })).toBe('ok');
    expect(mesosCheckWord({ state: 'waiting', agentId: 'a', volumes: [vol(true), vol(false)] })).toBe('missing');
    expect(mesosCheckWord({ state: 'waiting', agentId: 'a', volumes: [vol(true, true)] })).toBe('in-use');
    expect(mesosCheckWord({ state: 'running', agentId: 'a', volumes: [vol(true, true)] })).toBe('ok');
    expect(mesosCheckWord({ state: 'waiting', agentId: 'a', volumes: [vol(null)] })).toBe('unknown');
    expect(mesosCheckWord({ state: 'waiting', agentId: null, volumes: [vol(true)] })).toBe('unknown');
  });
});
