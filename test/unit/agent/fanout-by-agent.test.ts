import { describe, expect, it } from 'vitest';
import { fanOutByAgent } from '../../../src/agent/fanout.js';
import { CliError } from '../../../src/core/errors.js';

const options = { concurrency: 4, perAgentTimeoutMs: 5_000 };

describe('fanOutByAgent', () => {
  it('sends one task per agent with all of its items, in the order the items came', async () => {
    const items = [
      { agent: 'S1', host: '127.0.0.11', n: 1 },
      { agent: 'S2', host: '127.0.0.12', n: 2 },
      { agent: 'S1', host: '127.0.0.11', n: 3 },
    ];
    const calls: string[] = [];
    const groups = await fanOutByAgent(
      items,
      (i) => ({ id: i.agent, host: i.host }),
      async (agent, group) => {
        calls.push(agent.id as string);
        return group.map((i) => i.n);
      },
      options,
    );
    expect(calls.sort()).toEqual(['S1', 'S2']);
    expect(groups.map((g) => [g.agent.id, g.items.map((i) => i.n), g.outcome.ok && g.outcome.value])).toEqual([
      ['S1', [1, 3], [1, 3]],
      ['S2', [2], [2]],
    ]);
  });

  it('groups by host when there is no agent id, and leaves out items without an agent', async () => {
    const groups = await fanOutByAgent(
      ['a', 'b', 'skip', 'c'],
      (i) => (i === 'skip' ? null : { host: i === 'c' ? 'h2' : 'h1' }),
      async (_agent, group) => group.length,
      options,
    );
    expect(groups.map((g) => [g.agent.host, g.items])).toEqual([
      ['h1', ['a', 'b']],
      ['h2', ['c']],
    ]);
  });

  it("one agent's failure is its group's outcome alone", async () => {
    const groups = await fanOutByAgent(
      ['S1', 'S2'],
      (id) => ({ id, host: '127.0.0.1' }),
      async (agent) => {
        if (agent.id === 'S1') throw new CliError('remote', 'agent S1: connection refused');
        return 'ok';
      },
      options,
    );
    expect(groups.map((g) => (g.outcome.ok ? g.outcome.value : g.outcome.error.message))).toEqual(['agent S1: connection refused', 'ok']);
  });
});
