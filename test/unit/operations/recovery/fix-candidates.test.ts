import { describe, expect, it } from 'vitest';
import { plannedRestarts } from '../../../../src/operations/recovery/fix-candidates.js';
import type { AgentFix } from '../../../../src/operations/recovery/fix-plan.js';
import { SETTING_NAMES, type SettingName } from '../../../../src/domain/recovery/settings.js';
import type { StepStatus } from '../../../../src/journal/journal.js';

const RUNNING: Record<SettingName, string> = { strict: 'true', recover: 'reconnect', recovery_timeout: '1days', reconfiguration_policy: 'additive', executor_reregistration_timeout: '10secs' };

/** An agent read by the plan: what it runs (/flags) and what its files say once the planned edits are in. */
function agent(id: string, files: Partial<Record<SettingName, string>>, live: Partial<Record<SettingName, string | null>> = {}): AgentFix {
  const after = { ...RUNNING, recovery_timeout: '24hrs', ...files };
  const settings = Object.fromEntries(SETTING_NAMES.map((n) => [n, { live: n in live ? live[n] : RUNNING[n] }]));
  return {
    agent: id,
    host: `host-${id}`,
    unit: 'dcos-mesos-slave.service',
    report: { settings } as unknown as AgentFix['report'],
    plan: { edits: [], refused: [], addressed: [], notAddressed: [], after },
    collected: null,
  };
}

const journal = (statuses: Record<string, StepStatus> = {}) => ({ status: (item: string) => statuses[item] });

describe('plannedRestarts', () => {
  it('restarts the agents whose files (with the edits) say something else than they run, durations as Mesos compares them', () => {
    const fleet = { agents: [agent('same', {}), agent('fixed', { recover: 'reconnect' }, { recover: 'cleanup' }), agent('longer', { recovery_timeout: '36hrs' })] };
    const planned = plannedRestarts(fleet, journal());
    expect(planned.map((c) => [c.agent, c.why])).toEqual([
      ['fixed', 'runs other values than its files: recover'],
      ['longer', 'runs other values than its files: recovery_timeout'],
    ]);
    expect(planned[0]?.expected).toMatchObject({ recover: 'reconnect', recovery_timeout: '24hrs' });
  });

  it('an agent an interrupted roll left restarting is restarted again, even when its /flags cannot be read', () => {
    const unreadable = agent('stalled', {}, Object.fromEntries(SETTING_NAMES.map((n) => [n, null])));
    expect(plannedRestarts({ agents: [unreadable] }, journal({ stalled: 'failed' })).map((c) => c.why)).toEqual(['left restarting by an earlier run']);
    expect(plannedRestarts({ agents: [unreadable] }, journal({ stalled: 'done' }))).toEqual([]);
  });

  it('an agent not read, or without a unit, is never a candidate', () => {
    const noUnit = { ...agent('x', { recover: 'reconnect' }, { recover: 'cleanup' }), unit: null };
    const notRead = { ...agent('y', {}), plan: null };
    expect(plannedRestarts({ agents: [noUnit, notRead] }, journal())).toEqual([]);
  });
});
