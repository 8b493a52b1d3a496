import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cliPath, fmtMs, machineLoad, measure, ratio, rowPrinter, startMockServe } from './harness.js';

const APPS = 10;
const TASKS_PER_APP = 10;
const AGENTS = 20;
const LATENCY_MS = 50;
const CONCURRENCY = 16;
/** Goal: wall time against the ideal bound. */
const IDEAL_TARGET = 2.5;

/**
 * Wipe 100 waiting tasks spread over 20 mock agents with 50 ms injected SSH latency: wall time vs the ideal
 * concurrency-bounded time, and vs doing them one at a time (--concurrency 1).
 */
export async function benchWipe(): Promise<void> {
  const tasks = APPS * TASKS_PER_APP;
  // Per agent: one inspect at preflight, then one delete per task.
  const ideal = Math.ceil(AGENTS / CONCURRENCY) * (1 + tasks / AGENTS) * LATENCY_MS;
  const parallel = await timedWipe(CONCURRENCY);
  const serial = await timedWipe(1);
  const printRow = rowPrinter(['tasks', 'agents', `wipe --concurrency ${CONCURRENCY}`, 'ideal', 'ours / ideal', 'wipe --concurrency 1', 'parallel / one by one']);
  printRow([String(tasks), String(AGENTS), fmtMs(parallel), fmtMs(ideal), ratio(parallel, ideal, IDEAL_TARGET), fmtMs(serial), ratio(parallel, serial)]);
  console.log(
    `${LATENCY_MS} ms per remote command; ideal: ceil(agents / concurrency) × (1 inspect + tasks per agent deletes) × latency; ` +
      `Marathon, Mesos and the agents' SSH: a 'mock serve --ssh'; sudo -n as the mock's permission model asks when run as root; ${machineLoad()}`,
  );
}

async function timedWipe(concurrency: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'stateful-ops-bench-wipe-'));
  try {
    const cli = (...args: string[]) => spawnSync(process.execPath, [cliPath, '--mock', '--mock-dir', dir, ...args], { encoding: 'utf8' });
    const reset = cli('mock', 'reset', '--apps', String(APPS), '--tasks-per-app', String(TASKS_PER_APP), '--waiting-ratio', '1', '--agents', String(AGENTS));
    if (reset.status !== 0) throw new Error(`mock reset failed: ${reset.stderr}`);
    const listed = cli('--json', 'tasks', 'list');
    const ids = (JSON.parse(listed.stdout) as { task: string }[]).map((t) => t.task);
    if (ids.length !== APPS * TASKS_PER_APP) throw new Error(`expected ${APPS * TASKS_PER_APP} waiting tasks, got ${ids.length}`);
    // Marathon, Mesos and the agents' SSH answer from a `mock serve --ssh` (processes of their own), as a
    // real cluster answers from its own machines, up before the command starts.
    const server = startMockServe(dir, ['--ssh'], { ...process.env, STATEFUL_OPS_MOCK_SSH_FAULTS: `*:latency=${LATENCY_MS}` });
    try {
      const [url, sshConfig] = await Promise.all([server.url, server.sshConfig]);
      const run = await measure(
        [process.execPath, cliPath, '--mock', '--mock-dir', dir, '--quiet', '--sudo', 'wipe', '--yes', '--concurrency', String(concurrency), ...ids],
        { ...process.env, STATEFUL_OPS_MOCK_URL: url, STATEFUL_OPS_MOCK_SSH_CONFIG: sshConfig, STATEFUL_OPS_MOCK_SSH_FAULTS: '', STATEFUL_OPS_MOCK_TRIGGERS: '' },
      );
      if (run.code !== 0) throw new Error(`wipe failed (${run.code}): ${run.stderr.slice(0, 500)}`);
      return run.wallMs;
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
