import { parseSettingValue, sameSettingValue, SETTING_NAMES, type SettingName } from '../../domain/recovery/settings.js';
import type { Journal } from '../../journal/journal.js';
import type { FleetFixPlan } from './fix-plan.js';
import type { RollCandidate } from './fix-roll.js';

/**
 * The agents a restart would bring in line with their files: those whose files (after the planned edits)
 * say something else than the running agent, and those an interrupted roll left restarting.
 */
export function plannedRestarts(fleet: Pick<FleetFixPlan, 'agents'>, journal: Pick<Journal, 'status'>): RollCandidate[] {
  const out: RollCandidate[] = [];
  for (const a of fleet.agents) {
    if (!a.plan || !a.agent || !a.host || !a.unit || !a.report.settings) continue;
    const expected: Partial<Record<SettingName, string>> = {};
    const differs: SettingName[] = [];
    for (const n of SETTING_NAMES) {
      const after = a.plan.after[n];
      expected[n] = after;
      const live = a.report.settings[n].live;
      if (live !== null && parseSettingValue(n, after).ok && !sameSettingValue(n, after, live)) differs.push(n);
    }
    const pending = ['started', 'failed'].includes(journal.status(a.agent, 'restart') ?? '');
    if (differs.length === 0 && !pending) continue;
    out.push({ agent: a.agent, host: a.host, unit: a.unit, expected, why: differs.length > 0 ? `runs other values than its files: ${differs.join(', ')}` : 'left restarting by an earlier run' });
  }
  return out;
}
