import { describe, expect, it } from 'vitest';
import { mesosCheckWord } from '../../../src/domain/stateful-tasks.js';

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
