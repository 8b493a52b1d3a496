import { describe, expect, it } from 'vitest';
import { describeWindow, reregistrationWindow, type ReregistrationWindow } from '../../../../src/domain/recovery/window.js';

const windowOf = (flags: Record<string, string>) => reregistrationWindow(flags) as ReregistrationWindow;

describe("the master's re-registration window", () => {
  it("is agent_ping_timeout × max_agent_ping_timeouts, each Mesos's default when /flags does not list it", () => {
    expect(windowOf({})).toEqual({
      seconds: 75,
      pingTimeout: { key: 'agent_ping_timeout', value: '15secs', from: 'Mesos default' },
      maxPings: { key: 'max_agent_ping_timeouts', value: '5', from: 'Mesos default' },
    });
    expect(windowOf({ agent_ping_timeout: '1mins' }).seconds).toBe(300);
  });

  it("reads DC/OS's old spellings; the current one wins when a master lists both", () => {
    const dcos = windowOf({ slave_ping_timeout: '15secs', max_slave_ping_timeouts: '20' });
    expect(dcos).toMatchObject({ seconds: 300, maxPings: { key: 'max_slave_ping_timeouts', from: 'master /flags' } });
    expect(windowOf({ agent_ping_timeout: '10secs', slave_ping_timeout: '1mins' }).pingTimeout).toEqual({ key: 'agent_ping_timeout', value: '10secs', from: 'master /flags' });
  });

  it('refuses values the master would not have started with, naming the flag as the master spells it', () => {
    expect(reregistrationWindow({ slave_ping_timeout: '15' })).toEqual({ problem: 'master slave_ping_timeout=15 is not a Mesos duration' });
    for (const bad of ['0', '2.5', '-1', '', ' 5']) {
      expect(reregistrationWindow({ max_agent_ping_timeouts: bad }), bad).toEqual({ problem: `master max_agent_ping_timeouts=${bad} is not a positive whole number` });
    }
  });

  it('is shown with where each factor came from, fractions of a second kept', () => {
    expect(describeWindow(windowOf({}))).toBe('75s (agent_ping_timeout 15secs (Mesos default) × max_agent_ping_timeouts 5 (Mesos default))');
    expect(describeWindow(windowOf({ agent_ping_timeout: '1.5secs', max_agent_ping_timeouts: '3' }))).toBe('4.5s (agent_ping_timeout 1.5secs × max_agent_ping_timeouts 3)');
  });
});
