import { describe, expect, it } from 'vitest';
import { cut, displayWidth, renderTable, shortAgentId } from '../../../src/output/table.js';

const AGENT = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-S12';
const TASK = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';

describe('table layout', () => {
  const columns = [
    { header: 'task', value: (r: { task: string; agent: string }) => r.task, shrink: true },
    { header: 'agent', value: (r: { task: string; agent: string }) => r.agent },
    { header: 'extra', value: () => 'wide-only', wide: true },
  ];
  const rows = [{ task: TASK, agent: AGENT }];

  it('without a terminal width nothing is cut and wide-only columns stay out', () => {
    const text = renderTable(columns, rows, { wide: false });
    expect(text).toContain(TASK);
    expect(text).not.toContain('EXTRA');
  });

  it('on a terminal the shrinkable column is cut with ... so every line fits', () => {
    const text = renderTable(columns, rows, { wide: false, maxWidth: 70 });
    for (const line of text.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(70);
    expect(text).toMatch(/postgres\.instance-\S+\.\.\. +d935ca7e/);
    expect(text).toContain(AGENT); // not shrinkable: copied whole
  });

  it('-o wide: the extra columns and nothing cut, whatever the width', () => {
    const text = renderTable(columns, rows, { wide: true, maxWidth: 40 });
    expect(text).toContain(TASK);
    expect(text).toContain('EXTRA');
  });

  it('a column never shrinks below 12 columns (or its heading), even if the line stays too wide', () => {
    const text = renderTable(columns, rows, { wide: false, maxWidth: 10 });
    expect(text.split('\n')[1]).toMatch(/^postgres\.\.\.\.? +d935/);
  });

  it('agent ids: first block and -S<n> on a terminal, whole when wide or piped; other ids untouched', () => {
    expect(shortAgentId(AGENT, { wide: false, maxWidth: 80 })).toBe('d935ca7e...-S12');
    expect(shortAgentId(AGENT, { wide: true, maxWidth: 80 })).toBe(AGENT);
    expect(shortAgentId(AGENT, { wide: false })).toBe(AGENT);
    expect(shortAgentId('agent-1', { wide: false, maxWidth: 80 })).toBe('agent-1');
  });

  it('cut keeps short text and counts the placeholder', () => {
    expect(cut('abc', 5)).toBe('abc');
    expect(cut('abcdefgh', 6)).toBe('abc...');
    expect(cut('abcdefghij', 9, true)).toBe('abc...hij');
  });
});
