import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fanOut } from '../agent/fanout.js';
import { resolveAgentSshSettings } from '../agent/settings.js';
import { AgentShell } from '../agent/ssh.js';
import { startMockSshServer, type MockSshServerHandle } from '../mock/ssh/server.js';

export interface SshFanOutBenchInput {
  agents: number;
  /** Injected per command on every mock agent. */
  latencyMs: number;
  concurrency?: number;
  /** The remote command (default `true`). */
  command?: string[];
}

export interface SshFanOutBenchResult {
  agents: number;
  latencyMs: number;
  concurrency: number;
  /** Wall time of fanOut() over all agents. */
  fanOutMs: number;
  /** Wall time of the same calls one after another (the for-loop baseline). */
  sequentialMs: number;
  /** Agents whose command failed in either run (should be 0). */
  failures: number;
}

/**
 * Times one small command on N mock agents through the real ssh binary: bounded fan-out versus a
 * plain for-loop. Multiplexing is off so both runs pay one connection per agent, like a first run.
 */
export async function benchmarkSshFanOut(input: SshFanOutBenchInput): Promise<SshFanOutBenchResult> {
  const concurrency = input.concurrency ?? 16;
  const stateDir = await mkdtemp(join(tmpdir(), 'stateful-ops-ssh-bench-'));
  let server: MockSshServerHandle | undefined;
  let shell: AgentShell | undefined;
  try {
    const agents = await Promise.all(
      Array.from({ length: input.agents }, async (_, i) => {
        const root = join(stateDir, 'agents', `bench-${i}`, 'root');
        await mkdir(root, { recursive: true });
        return { id: `bench-${i}`, hostname: `bench-agent-${i}`, root };
      }),
    );
    const faults = Object.fromEntries(agents.map((a) => [a.id, { latencyMs: input.latencyMs }]));
    server = await startMockSshServer({ stateDir, agents, faults });
    const settings = resolveAgentSshSettings({
      flags: { sshConfigFile: server.configPath, multiplex: false, concurrency },
      stdinIsTTY: false,
    });
    const agentShell = new AgentShell(settings, { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: stateDir });
    shell = agentShell;
    const targets = server.agents.map((a) => a.target);
    const command = input.command ?? ['true'];
    let failures = 0;
    const fanStart = performance.now();
    const outcomes = await fanOut(targets, (agent, signal) => agentShell.runOk(agent, command, { signal }), {
      concurrency,
      perAgentTimeoutMs: settings.perAgentTimeoutMs,
    });
    const fanOutMs = performance.now() - fanStart;
    failures += outcomes.filter((o) => !o.ok).length;

    const seqStart = performance.now();
    for (const agent of targets) {
      try {
        await agentShell.runOk(agent, command);
      } catch {
        failures++;
      }
    }
    const sequentialMs = performance.now() - seqStart;
    return { agents: input.agents, latencyMs: input.latencyMs, concurrency, fanOutMs, sequentialMs, failures };
  } finally {
    await shell?.close();
    await server?.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}
