import type { ClusterClients, Io } from '../context.js';
import type { Logger } from '../output/log.js';
import { AgentFs } from './operations.js';
import { resolveAgentSshSettings, type AgentSshFlags, type AgentSshSettings, type AgentTarget } from './settings.js';
import { AgentShell } from './ssh.js';

/** Everything a command needs to work on agents over SSH, for one run. */
export interface AgentAccess {
  settings: AgentSshSettings;
  shell: AgentShell;
  fs: AgentFs;
  /** The SSH target for an agent of the cluster (on the mock: with its sandbox root). */
  target(agent: { id?: string | null; host: string }): AgentTarget;
  close(): Promise<void>;
}

/**
 * Real clusters: the system ssh with the operator's own config, keys and known_hosts.
 * The mock: the same ssh binary, pointed at the mock's generated ssh_config, its agents' SSH servers
 * started for this run.
 */
export async function openAgentAccess(
  io: Io,
  clients: ClusterClients,
  flags: AgentSshFlags,
  log: Logger,
  stopNow?: AbortSignal,
): Promise<AgentAccess> {
  if (clients.mock) return openMockAgentAccess(io, clients.mock.stateDir, flags, log, stopNow);
  const settings = resolveAgentSshSettings({ flags, cluster: clients.config.ssh, stdinIsTTY: io.stdinIsTTY });
  const shell = new AgentShell(settings, io.env, log, stopNow);
  return {
    settings,
    shell,
    fs: new AgentFs(shell),
    target: ({ id, host }) => (id ? { id, host } : { host }),
    close: () => shell.close(),
  };
}

async function openMockAgentAccess(io: Io, stateDir: string, flags: AgentSshFlags, log: Logger, stopNow?: AbortSignal): Promise<AgentAccess> {
  const [{ startMockSshServer }, { mockAgentHosts }, { parseSshFaults }, { parseMockTriggers, mockCommandHooks }] = await Promise.all([
    import('../mock/ssh/server.js'),
    import('../mock/agents.js'),
    import('../mock/ssh/fault-spec.js'),
    import('../mock/triggers.js'),
  ]);
  const hosts = mockAgentHosts(stateDir);
  const faults = parseSshFaults(io.env.STATEFUL_OPS_MOCK_SSH_FAULTS, hosts);
  // A lost agent's machine is gone: nothing answers on its SSH port.
  for (const h of hosts) if (h.lost) faults[h.id] = { ...faults[h.id], connection: 'refused' };
  const hooks = mockCommandHooks(stateDir, parseMockTriggers(io.env.STATEFUL_OPS_MOCK_TRIGGERS, hosts));
  const server = await startMockSshServer({ stateDir, agents: hosts.map(({ id, hostname, root }) => ({ id, hostname, root })), faults, hooks });
  log.verbose(`mock: agents answer SSH through ${server.configPath}`);
  const settings = resolveAgentSshSettings({
    flags: { ...flags, sshConfigFile: server.configPath, sshUser: undefined, sshIdentity: undefined },
    stdinIsTTY: false,
  });
  const shell = new AgentShell(settings, { PATH: io.env.PATH ?? '/usr/bin:/bin', HOME: stateDir }, log, stopNow);
  const byId = new Map(server.agents.map((a) => [a.id, a.target]));
  const byHost = new Map(server.agents.map((a) => [a.hostname, a.target]));
  return {
    settings,
    shell,
    fs: new AgentFs(shell),
    target: ({ id, host }) => (id ? byId.get(id) : undefined) ?? byHost.get(host) ?? { host },
    async close() {
      await shell.close();
      await server.close();
    },
  };
}
