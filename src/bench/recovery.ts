import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DCOS_AGENT_UNITS, SYSTEMD_UNIT_DIR, dcosAgentEnvironmentFiles } from '../domain/recovery/unit-file.js';
import type { RecoveryReport } from '../domain/recovery/report.js';
import { mockAgentHosts } from '../mock/agents.js';
import { resetMock } from '../mock/scenario.js';
import { cliPath, fmtMb, fmtMs, machineLoad, measure, median, rowPrinter, ratio, startMockServe, type Measured } from './harness.js';

/** Agents → measured rounds. */
const CURVE: [agents: number, runs: number][] = [
  [20, 3],
  [200, 3],
  [2_000, 1],
];
const LATENCY_MS = 50;
const CONCURRENCY = 16;
/** Goals at 200 agents: against xargs, and against the ideal fan-out bound. */
const XARGS_TARGET = 1.0;
const IDEAL_TARGET = 3;

/** What the first (usually only) round of recovery-config reads on an agent. */
const CONFIG_PATHS = [
  ...Object.values(DCOS_AGENT_UNITS).map((u) => `${SYSTEMD_UNIT_DIR}/${u}`),
  ...new Set([...dcosAgentEnvironmentFiles(false), ...dcosAgentEnvironmentFiles(true)].map((f) => f.path)),
];

/**
 * `agent recovery-config` over mock agents with 50 ms injected per remote command, from 20 to 2,000 agents,
 * side by side with what an operator would do by hand: `xargs -P16 ssh <agent> cat <the same files>`
 * against the same mock agents, and with the ideal bound
 * ceil(agents / concurrency) × latency.
 */
export async function benchRecovery(): Promise<void> {
  const printRow = rowPrinter(
    ['agents', 'recovery-config', 'xargs ssh cat', 'ours / xargs', 'ideal', 'ours / ideal', 'per agent', 'peak RSS'],
  );
  for (const [agents, runs] of CURVE) {
    const stateDir = mkdtempSync(join(tmpdir(), 'stateful-ops-bench-recovery-'));
    resetMock({ stateDir, scenario: 'generated', flavour: '1.10', requireAuth: false, generator: { apps: 1, tasksPerApp: 10, waitingRatio: 0, agents } });
    // Marathon, Mesos and the agents' SSH answer from a `mock serve --ssh` (its own processes), up before
    // and after each command as on a real cluster; both ours and xargs talk to the same agents.
    const served = startMockServe(stateDir, ['--ssh'], { ...process.env, STATEFUL_OPS_MOCK_SSH_FAULTS: `*:latency=${LATENCY_MS}` });
    try {
      const [url, sshConfig] = await Promise.all([served.url, served.sshConfig]);
      const env = { ...process.env, STATEFUL_OPS_MOCK_URL: url, STATEFUL_OPS_MOCK_SSH_CONFIG: sshConfig, STATEFUL_OPS_MOCK_SSH_FAULTS: '', STATEFUL_OPS_MOCK_TRIGGERS: '' };
      const cli = [process.execPath, cliPath, '--mock', '--mock-dir', stateDir, '--json', 'agent', 'recovery-config', '--concurrency', String(CONCURRENCY)];
      const ours: Measured[] = [];
      const xargs: number[] = [];
      await checkAllOk(cli, env, agents);
      for (let i = 0; i < runs; i++) {
        const m = await measure(cli, env);
        if (m.code !== 0) throw new Error(`recovery-config exited ${m.code}: ${m.stderr.trim().slice(0, 400)}`);
        ours.push(m);
        xargs.push(await xargsBaseline(stateDir, sshConfig));
      }
      const oursMs = median(ours.map((m) => m.wallMs));
      const xargsMs = median(xargs);
      const ideal = Math.ceil(agents / CONCURRENCY) * LATENCY_MS;
      printRow([
        agents.toLocaleString('en-US'),
        fmtMs(oursMs),
        fmtMs(xargsMs),
        ratio(oursMs, xargsMs, agents === 200 ? XARGS_TARGET : undefined),
        fmtMs(ideal),
        ratio(oursMs, ideal, agents === 200 ? IDEAL_TARGET : undefined),
        `${((oursMs - ideal) / agents).toFixed(1)} ms`,
        fmtMb(Math.max(...ours.map((m) => m.maxRssKb ?? 0)) || null),
      ]);
    } finally {
      await served.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  }
  console.log(
    `${LATENCY_MS} ms per remote command, concurrency ${CONCURRENCY} (xargs -P${CONCURRENCY}); "per agent": wall above the ideal bound ÷ agents; ` +
      `Marathon, Mesos and the agents' SSH: one 'mock serve --ssh'; medians; ${machineLoad()}`,
  );
}

/** The hand-made equivalent: one `ssh <agent> cat <files>` per agent, xargs -P keeping 16 in flight. */
async function xargsBaseline(stateDir: string, sshConfig: string): Promise<number> {
  // The agent paths as positional parameters of `sh -c`, as an operator would pass them (and as the
  // mock agents map arguments into their sandboxes); the outer double quotes keep the command one word for xargs.
  const lines = mockAgentHosts(stateDir).map((a) => `${a.hostname} "sh -c 'cat $@ 2>/dev/null; true' sh ${CONFIG_PATHS.join(' ')}"`);
  const input = join(stateDir, 'xargs-input');
  writeFileSync(input, `${lines.join('\n')}\n`);
  const m = await measure(
    ['bash', '-c', `xargs -P${CONCURRENCY} -L1 ssh -F '${sshConfig}' -o BatchMode=yes -o LogLevel=ERROR -T < '${input}' > /dev/null`],
    { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: stateDir },
  );
  if (m.code !== 0) throw new Error(`xargs ssh exited ${m.code}: ${m.stderr.trim().slice(0, 400)}`);
  return m.wallMs;
}

/** The benchmark only counts if every agent was really checked. */
async function checkAllOk(argv: string[], env: NodeJS.ProcessEnv, agents: number): Promise<void> {
  const { spawnSync } = await import('node:child_process');
  const out = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  const report = JSON.parse(out.stdout) as RecoveryReport;
  const s = report.summary;
  if (s.agents !== agents || s.ok !== agents) throw new Error(`expected ${agents} ok agents, got ${JSON.stringify(s)}`);
}
