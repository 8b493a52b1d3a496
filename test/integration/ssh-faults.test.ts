import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fanOut } from '../../src/agent/fanout.js';
import type { AgentFs } from '../../src/agent/operations.js';
import type { AgentTarget } from '../../src/agent/settings.js';
import type { AgentShell } from '../../src/agent/ssh.js';
import { ExitCode } from '../../src/core/errors.js';
import { benchmarkSshFanOut } from '../../src/bench/ssh-fanout-run.js';
import type { MockSshFaults } from '../../src/mock/ssh/server.js';
import { rejection, startMockSshAgents, type MockSshAgents } from '../helpers/mock-ssh.js';

// One mock SSH server, one listener per agent, each agent with its own fault; all through real `ssh`.
const faults: Record<string, MockSshFaults> = {
  ok1: {},
  ok2: {},
  ok3: {},
  refused: { connection: 'refused' },
  down: { connection: 'drop' },
  hang: { connection: 'hang' },
  denied: { denyAuth: true },
  rekeyed: { wrongHostKey: true },
  failing: { failCommandsWith: 3 },
  slow: { latencyMs: 6_000 },
  flaky: {},
};

let mock: MockSshAgents;
let shell: AgentShell;
let agentFs: AgentFs;
const target = (id: string): AgentTarget => mock.target(id);

beforeAll(async () => {
  mock = await startMockSshAgents({
    prefix: 'so-ssh-faults-',
    agents: Object.keys(faults).map((id) => ({ id, hostname: `agent-${id}` })),
    faults,
    flags: { connectTimeoutSec: 1, perAgentTimeoutMs: 1_500 },
  });
  ({ shell, agentFs } = mock);
  for (const id of Object.keys(faults)) {
    mkdirSync(join(mock.rootOf(id), 'etc'), { recursive: true });
    writeFileSync(join(mock.rootOf(id), 'etc', 'agent-name'), `${id}\n`);
  }
});

afterAll(() => mock?.close());

const failureOf = rejection;

describe('each failure class gives one line naming the agent and its own exit code', () => {
  const expectations: [string, number, RegExp][] = [
    ['refused', ExitCode.UNREACHABLE, /^agent refused \(agent-refused\): cannot connect over SSH: connect to host 127\.0\.0\.1 port \d+: Connection refused$/],
    ['down', ExitCode.UNREACHABLE, /^agent down \(agent-down\): cannot connect over SSH: .*Connection (reset|closed)/],
    ['hang', ExitCode.UNREACHABLE, /^agent hang \(agent-hang\): SSH connection timed out: Connection timed out during banner exchange$/],
    ['denied', ExitCode.AUTH, /^agent denied \(agent-denied\): SSH authentication denied: centos@127\.0\.0\.1: Permission denied \(publickey\)\.$/],
    ['rekeyed', ExitCode.AUTH, /^agent rekeyed \(agent-rekeyed\): SSH host key has CHANGED/],
    ['failing', ExitCode.ERROR, /^agent failing \(agent-failing\): reading \/etc\/agent-name failed \(exit 3\): mock agent failing: injected failure \(exit 3\)$/],
  ];
  for (const [id, exitCode, message] of expectations) {
    it(id, async () => {
      const error = await failureOf(agentFs.readFile(target(id), '/etc/agent-name'));
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('\n');
      expect(error.exitCode).toBe(exitCode);
    });
  }

  it('our own per-call timeout kills ssh and says how long it waited', async () => {
    const started = performance.now();
    const error = await failureOf(agentFs.readFile(target('slow'), '/etc/agent-name', { timeoutMs: 300 }));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(error.message).toBe('agent slow (agent-slow): SSH reading /etc/agent-name timed out after 0.3s');
    expect(error.exitCode).toBe(ExitCode.UNREACHABLE);
  });

  it('never reveals the private key', async () => {
    const error = await failureOf(agentFs.readFile(target('denied'), '/etc/agent-name'));
    expect(`${error.message} ${error.hint ?? ''}`).not.toMatch(/PRIVATE KEY|id_ed25519/);
  });
});

describe('fan-out over healthy and broken agents', () => {
  it('returns each healthy agent’s result and each broken agent’s own error, the slow one cut off', async () => {
    const agents = Object.keys(faults).map(target);
    const started = performance.now();
    const results = await fanOut(agents, (agent, signal) => agentFs.readFile(agent, '/etc/agent-name', { signal }), {
      concurrency: 16,
      perAgentTimeoutMs: shell.settings.perAgentTimeoutMs,
    });
    const elapsed = performance.now() - started;
    // The slow agent (6 s) is cut at 1.5 s and the hung one by ConnectTimeout=1: no agent waits for another
    // (a wide margin: the suite runs files in parallel on two cores).
    expect(elapsed).toBeLessThan(4_500);
    const summary = Object.fromEntries(results.map((r) => [r.agent.id, r.ok ? r.value : r.error.exitCode]));
    expect(summary).toEqual({
      ok1: 'ok1\n',
      ok2: 'ok2\n',
      ok3: 'ok3\n',
      flaky: 'flaky\n',
      refused: ExitCode.UNREACHABLE,
      down: ExitCode.UNREACHABLE,
      hang: ExitCode.UNREACHABLE,
      denied: ExitCode.AUTH,
      rekeyed: ExitCode.AUTH,
      failing: ExitCode.ERROR,
      slow: ExitCode.UNREACHABLE,
    });
    const slow = results.find((r) => r.agent.id === 'slow');
    expect(slow?.ok === false && slow.error.message).toBe('agent slow (agent-slow): no result within 1.5s');
  });

  it('an agent that goes down and comes back is reached again', async () => {
    await mock.server.setFaults('flaky', { connection: 'refused' });
    const down = await failureOf(agentFs.readFile(target('flaky'), '/etc/agent-name'));
    expect(down.exitCode).toBe(ExitCode.UNREACHABLE);
    await mock.server.setFaults('flaky', {});
    expect(await agentFs.readFile(target('flaky'), '/etc/agent-name')).toBe('flaky\n');
  });
});

describe('benchmark helper', () => {
  it('fan-out over agents with latency beats the sequential loop', async () => {
    const result = await benchmarkSshFanOut({ agents: 6, latencyMs: 150, concurrency: 6 });
    expect(result.failures).toBe(0);
    expect(result.sequentialMs).toBeGreaterThan(6 * 150);
    expect(result.fanOutMs).toBeLessThan(result.sequentialMs / 2);
  });
});
