import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentFs } from '../../src/agent/operations.js';
import { resolveAgentSshSettings, type AgentSshFlags, type AgentTarget } from '../../src/agent/settings.js';
import { AgentShell } from '../../src/agent/ssh.js';
import type { CliError } from '../../src/core/errors.js';
import { startMockSshServer, type MockSshFaults, type MockSshServerHandle } from '../../src/mock/ssh/server.js';

export interface MockSshAgents {
  stateDir: string;
  server: MockSshServerHandle;
  shell: AgentShell;
  agentFs: AgentFs;
  /** The sandbox standing in for agent `id`'s `/`. */
  rootOf(id: string): string;
  target(id: string): AgentTarget;
  close(): Promise<void>;
}

/**
 * Mock agents reached through the real `ssh` binary: one mock SSH server (a listener per agent) and the
 * AgentShell/AgentFs a command would use, pointed at the generated ssh_config.
 */
export async function startMockSshAgents(o: {
  prefix: string;
  agents: { id: string; hostname: string }[];
  faults?: Record<string, MockSshFaults>;
  flags?: AgentSshFlags;
}): Promise<MockSshAgents> {
  const stateDir = mkdtempSync(join(tmpdir(), o.prefix));
  const rootOf = (id: string) => join(stateDir, 'agents', id, 'root');
  const agents = o.agents.map(({ id, hostname }) => {
    mkdirSync(rootOf(id), { recursive: true });
    return { id, hostname, root: rootOf(id) };
  });
  const server = await startMockSshServer({ stateDir, agents, ...(o.faults ? { faults: o.faults } : {}) });
  // Files the tests write into a sandbox are the test process's; as root the mock's login user may not
  // touch them, so operations go through sudo -n as an operator's would (tests of refusals pass sudo: false).
  const shell = new AgentShell(
    resolveAgentSshSettings({ flags: { sudo: true, ...o.flags, sshConfigFile: server.configPath }, stdinIsTTY: false }),
    { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: stateDir },
  );
  return {
    stateDir,
    server,
    shell,
    agentFs: new AgentFs(shell),
    rootOf,
    target: (id) => server.agents.find((a) => a.id === id)!.target,
    async close() {
      await shell.close();
      await server.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The CliError a promise rejects with; fails the test if it resolves. */
export function rejection(p: Promise<unknown>): Promise<CliError> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: CliError) => e,
  );
}
