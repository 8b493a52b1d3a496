import { describe, expect, it } from 'vitest';
import { CliError, ExitCode } from '../../../src/core/errors.js';
import { fanOut } from '../../../src/agent/fanout.js';

const agents = Array.from({ length: 10 }, (_, i) => ({ id: `S${i}`, host: `127.0.0.${i + 2}` }));
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

describe('fanOut', () => {
  it('never runs more than `concurrency` agents at once and keeps the input order', async () => {
    let running = 0;
    let peak = 0;
    const results = await fanOut(
      agents,
      async (agent) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(5 + (Number(agent.id?.slice(1)) % 3) * 5);
        running--;
        return agent.host;
      },
      { concurrency: 3, perAgentTimeoutMs: 1000 },
    );
    expect(peak).toBe(3);
    expect(results.map((r) => (r.ok ? r.value : null))).toEqual(agents.map((a) => a.host));
  });

  it('gives a dead agent its own error and every other agent its result', async () => {
    const results = await fanOut(
      agents,
      async (agent) => {
        if (agent.id === 'S4') throw new CliError('unreachable', `agent ${agent.id}: cannot connect over SSH`);
        if (agent.id === 'S5') throw new Error('boom');
        return agent.id;
      },
      { concurrency: 4, perAgentTimeoutMs: 1000 },
    );
    expect(results.filter((r) => r.ok)).toHaveLength(8);
    const s4 = results[4];
    expect(s4?.ok === false && s4.error.exitCode).toBe(ExitCode.UNREACHABLE);
    const s5 = results[5];
    expect(s5?.ok === false && s5.error.message).toBe('agent S5 (127.0.0.7): boom');
  });

  it('times out a hung agent, aborts its signal, and lets the others finish meanwhile', async () => {
    let abortedReason: unknown;
    const started = performance.now();
    const results = await fanOut(
      agents.slice(0, 4),
      async (agent, signal) => {
        if (agent.id === 'S0') {
          signal.addEventListener('abort', () => (abortedReason = signal.reason));
          return new Promise<string>(() => undefined); // ignores the signal entirely
        }
        await sleep(20, signal);
        return agent.id as string;
      },
      { concurrency: 2, perAgentTimeoutMs: 150 },
    );
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1000);
    const s0 = results[0];
    expect(s0?.ok).toBe(false);
    expect(s0?.ok === false && s0.error.message).toBe('agent S0 (127.0.0.2): no result within 0.15s');
    expect(s0?.ok === false && s0.error.exitCode).toBe(ExitCode.UNREACHABLE);
    expect(abortedReason).toBeInstanceOf(CliError);
    expect(results.slice(1).every((r) => r.ok)).toBe(true);
  });

  it('stops everything when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const results = await fanOut(agents.slice(0, 3), (_agent, signal) => sleep(10_000, signal).then(() => 1), {
      concurrency: 16,
      perAgentTimeoutMs: 60_000,
      signal: controller.signal,
    });
    expect(results.every((r) => !r.ok && r.error.exitCode === ExitCode.INTERRUPTED)).toBe(true);
  });
});
