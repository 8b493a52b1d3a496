import { describe, expect, it } from 'vitest';
import type { MesosAgent } from '../../../../src/model/mesos.js';
import { selectAgents } from '../../../../src/operations/recovery/check.js';

describe('choosing agents', () => {
  const listed = [
    { id: 'a-S0', hostname: '127.0.0.167' },
    { id: 'a-S1', hostname: '127.0.0.168' },
  ] as MesosAgent[];
  it('keeps the master order, matches ids or hostnames, and keeps unknown values apart', () => {
    expect(selectAgents(listed, [])).toEqual({ known: listed, unknown: [] });
    expect(selectAgents(listed, ['127.0.0.168', 'a-S0', 'a-S0', '127.0.0.169'])).toEqual({ known: listed, unknown: ['127.0.0.169'] });
  });
});
