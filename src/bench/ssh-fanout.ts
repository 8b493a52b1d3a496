import { benchmarkSshFanOut } from './ssh-fanout-run.js';

const AGENTS = 200;
const LATENCY_MS = 50;
const CONCURRENCY = 16;

/**
 * One small command on 200 mock agents (real ssh, 50 ms injected latency): bounded fan-out vs the ideal
 * bound ceil(200 / concurrency) × latency, and vs a sequential for-loop of ssh calls.
 */
export async function benchSshFanOut(): Promise<void> {
  const r = await benchmarkSshFanOut({ agents: AGENTS, latencyMs: LATENCY_MS, concurrency: CONCURRENCY });
  const ideal = Math.ceil(AGENTS / CONCURRENCY) * LATENCY_MS;
  console.log(`${AGENTS} agents, ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}; failures: ${r.failures}`);
  console.log(`fan-out:    ${r.fanOutMs.toFixed(0)} ms   (ideal bound ${ideal} ms, ratio ${(r.fanOutMs / ideal).toFixed(2)})`);
  console.log(`sequential: ${r.sequentialMs.toFixed(0)} ms   (fan-out / sequential ratio ${(r.fanOutMs / r.sequentialMs).toFixed(3)})`);
}
