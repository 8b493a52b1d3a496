import { describe, expect, it } from 'vitest';
import { SEVERITIES, severityAtLeast, worstSeverity } from '../../../src/domain/finding.js';

describe('severities shared by every check', () => {
  it('--fail-on <level> fails on that level and above, never below', () => {
    expect(severityAtLeast('error', 'warning')).toBe(true);
    expect(severityAtLeast('warning', 'warning')).toBe(true);
    expect(severityAtLeast('info', 'warning')).toBe(false);
    expect(severityAtLeast('warning', 'error')).toBe(false);
    // --fail-on info: any finding at all fails.
    for (const s of SEVERITIES) expect(severityAtLeast(s, 'info'), s).toBe(true);
  });

  it('the worst finding names the verdict; a clean report is info, not an error', () => {
    expect(worstSeverity([])).toBe('info');
    expect(worstSeverity([{ severity: 'info' }, { severity: 'error' }, { severity: 'warning' }])).toBe('error');
    expect(worstSeverity([{ severity: 'warning' }, { severity: 'info' }])).toBe('warning');
  });

  it('reports list severities from the lowest up', () => {
    expect(SEVERITIES).toEqual(['info', 'warning', 'error']);
  });
});
