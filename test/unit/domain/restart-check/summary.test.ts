import { describe, expect, it } from 'vitest';
import { checkSummaryLine, summarizeCheck } from '../../../../src/domain/restart-check/summary.js';

describe('summarizeCheck', () => {
  const agents = [{ verdict: 'killed' as const, tasks: [{ verdict: 'killed' as const, marathon: { resident: true } }, { verdict: 'at-risk' as const, marathon: null }] }];
  it('a restart that kills is an error; a reboot is an error only when an app loses its last instance', () => {
    expect(summarizeCheck('restart', agents, [], 'error')).toMatchObject({ level: 'error', failed: true });
    expect(summarizeCheck('reboot', agents, [], 'error')).toMatchObject({ level: 'warning', failed: false });
    expect(summarizeCheck('reboot', agents, [], 'warning')).toMatchObject({ level: 'warning', failed: true });
    const losing = [{ app: '/x', instances: 1, here: [], healthyElsewhere: 0, instancesElsewhere: 0, losesLastInstance: true, onlyCopy: true }];
    const s = summarizeCheck('reboot', agents, losing, 'error');
    expect(s).toMatchObject({ level: 'error', failed: true, appsLosingLastInstance: 1 });
    expect(checkSummaryLine(s)).toBe('1 agent: 1 killed; 2 tasks: 1 at-risk, 1 killed; 1 stateful app loses its last running instance');
  });
});
