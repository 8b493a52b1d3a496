import type { AgentTransport } from '../agent/access.js';
import type { ClusterSource } from '../cluster/clients.js';
import type { Io } from '../core/io.js';
import type { Logger } from '../core/log.js';
import { MOCK_MASTER_PUBLIC_IP, mockAgentHosts } from './agents.js';
import { parseSshFaults } from './ssh/fault-spec.js';
import { startMockSshAgentsProcess } from './ssh/agents-process.js';
import { parseMockTriggers } from './triggers.js';

/**
 * The one place the rest of the tool meets the mock: journals in the mock's state directory, and SSH
 * servers for its agents (and its master, as a jump host) started for the run. Callers send the very
 * commands they would send to real agents; the mock agents map paths into their sandboxes themselves.
 */
export function mockClusterSource(stateDir: string): ClusterSource {
  return {
    stateDir,
    identity: `mock:${stateDir}`,
    openAgentTransport: (io, log) => openMockAgentTransport(io, stateDir, log),
  };
}

async function openMockAgentTransport(io: Io, stateDir: string, log: Logger): Promise<AgentTransport> {
  const hosts = mockAgentHosts(stateDir);
  // The master (jump host) takes faults too, by the name `master`, so a test can tell that it was used.
  const master = { id: 'master-1', hostname: MOCK_MASTER_PUBLIC_IP };
  const faults = parseSshFaults(io.env.STATEFUL_OPS_MOCK_SSH_FAULTS, [...hosts, master]);
  // A lost agent's machine is gone: nothing answers on its SSH port.
  for (const h of hosts) if (h.lost) faults[h.id] = { ...faults[h.id], connection: 'refused' };
  // The agents run in a process of their own, as on a real cluster (see agents-process.ts).
  const server = await startMockSshAgentsProcess(
    {
      triggers: parseMockTriggers(io.env.STATEFUL_OPS_MOCK_TRIGGERS, hosts),
      stateDir,
      agents: hosts.map(({ id, hostname, root }) => ({ id, hostname, root })),
      masters: [{ hostname: master.hostname }],
      faults,
    },
    io.env,
  );
  log.verbose(`mock: agents answer SSH through ${server.configPath}; ${server.permissions}`);
  const known = new Set(hosts.map((h) => h.hostname));
  return {
    sshFlags: { sshConfigFile: server.configPath, sshUser: undefined, sshIdentity: undefined },
    env: { PATH: io.env.PATH ?? '/usr/bin:/bin', HOME: stateDir },
    // The mock's world is loopback only: a host that is none of its agents is never contacted.
    refuseHost: (host) => (known.has(host) ? undefined : `${host} is not an agent of the mock cluster`),
    close: () => server.close(),
  };
}
