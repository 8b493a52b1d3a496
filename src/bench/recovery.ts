import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetMock } from '../mock/scenario.js';
import type { RecoveryReport } from '../domain/recovery/report.js';
import { cliPath, fmtMb, fmtMs, measure, median, type Measured } from './harness.js';

const AGENTS = 200;
/** LAN-like and WAN/jump-host-like latency per remote command. */
const LATENCIES_MS = [50, 500];
const CONCURRENCY = 16;
const RUNS = 3;
/** SSH round trips per agent without unit drop-ins: one call reads the units and every EnvironmentFile. */
const ROUNDS_PER_AGENT = 1;

/**
 * `agent recovery-config` on 200 mock agents over real SSH with latency injected per remote command:
 * wall time vs the ideal fan-out bound ceil(agents / concurrency) × rounds × latency. A run without
 * latency gives the fixed cost on this machine (200 SSH handshakes against in-process mock servers,
 * 200 /flags, start-up), which the latency overlaps with.
 */
export async function benchRecovery(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'stateful-ops-bench-recovery-'));
  try {
    resetMock({ stateDir, scenario: 'generated', flavour: '1.10', requireAuth: false, generator: { apps: 1, tasksPerApp: 10, waitingRatio: 0, agents: AGENTS } });
    const argv = [process.execPath, cliPath, '--mock', '--mock-dir', stateDir, '--json', 'agent', 'recovery-config', '--concurrency', String(CONCURRENCY)];
    const run = async (latencyMs: number): Promise<Measured> => {
      const m = await measure(argv, { ...process.env, STATEFUL_OPS_MOCK_SSH_FAULTS: `*:latency=${latencyMs}` });
      if (m.code !== 0) throw new Error(`recovery-config exited ${m.code}: ${m.stderr.trim()}`);
      return m;
    };
    await run(0); // warm: SSH keys generated, page cache
    const medianOf = async (latencyMs: number) => {
      const runs: Measured[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await run(latencyMs));
      return { wall: median(runs.map((m) => m.wallMs)), rss: Math.max(...runs.map((m) => m.maxRssKb ?? 0)) };
    };
    const fixed = await medianOf(0);
    console.log(`${AGENTS} agents, concurrency ${CONCURRENCY}, ${ROUNDS_PER_AGENT} SSH round per agent; ${await checkedAgents(argv)}; median of ${RUNS}`);
    console.log(`no latency:  wall ${fmtMs(fixed.wall)} (fixed cost), peak RSS ${fmtMb(fixed.rss)}`);
    for (const latency of LATENCIES_MS) {
      const { wall } = await medianOf(latency);
      const ideal = Math.ceil(AGENTS / CONCURRENCY) * ROUNDS_PER_AGENT * latency;
      console.log(
        `${String(latency).padStart(3)} ms:      wall ${fmtMs(wall)}, ideal fan-out bound ${fmtMs(ideal)} (wall/bound ${(wall / ideal).toFixed(2)}), ` +
          `latency added ${fmtMs(wall - fixed.wall)}; one agent after another: ≥ ${fmtMs(AGENTS * ROUNDS_PER_AGENT * latency)}`,
      );
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** The benchmark only counts if every agent was really checked. */
async function checkedAgents(argv: string[]): Promise<string> {
  const { spawnSync } = await import('node:child_process');
  const out = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const report = JSON.parse(out.stdout) as RecoveryReport;
  const s = report.summary;
  if (s.agents !== AGENTS || s.ok !== AGENTS) throw new Error(`expected ${AGENTS} ok agents, got ${JSON.stringify(s)}`);
  return `${s.ok}/${s.agents} agents checked ok`;
}
