import { describe, expect, it } from 'vitest';
import { looksLikeAgentId, selectAgents } from '../../../src/domain/agent-selection.js';
import type { MesosAgent } from '../../../src/model/mesos.js';

describe('choosing agents', () => {
  const listed = [
    { id: 'a-S0', hostname: '127.0.0.167' },
    { id: 'a-S1', hostname: '127.0.0.168' },
  ] as MesosAgent[];
  it('keeps the master order, matches ids or hostnames, and keeps unknown values apart', () => {
    expect(selectAgents(listed, [])).toEqual({ known: listed, unknown: [] });
    expect(selectAgents(listed, ['127.0.0.168', 'a-S0', 'a-S0', '127.0.0.169'])).toEqual({ known: listed, unknown: ['127.0.0.169'] });
  });

  it('tells an agent id from a hostname the way Mesos names agents', () => {
    expect(looksLikeAgentId('5c1e0000-0000-4000-8000-000000000000-S12')).toBe(true);
    expect(looksLikeAgentId('a-S0')).toBe(true);
    expect(looksLikeAgentId('agent-3.example.com')).toBe(false);
    expect(looksLikeAgentId('127.0.0.168')).toBe(false);
    expect(looksLikeAgentId('S0')).toBe(false);
  });
});
