import { realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { AgentTransport } from '../agent/access.js';
import type { ClusterSource } from '../cluster/clients.js';
import type { Io } from '../core/io.js';
import type { Logger } from '../core/log.js';
import { usageError } from '../core/errors.js';
import { MOCK_MASTER_PUBLIC_IP, mockAgentHosts, type MockAgentHost } from './agents.js';
import { parseSshFaults } from './ssh/fault-spec.js';
import { startMockSshAgentsProcess, type MockSshAgentsProcess } from './ssh/agents-process.js';
import { processExists, runDirOwner } from './ssh/run-dirs.js';
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

/**
 * `STATEFUL_OPS_MOCK_SSH_CONFIG`: the agents of a `mock serve --ssh` of the same state directory already
 * answer SSH (benchmarks: as on a real cluster, they are up before the command starts and stay up after
 * it). Their faults and triggers are that process's; giving them to this run too would be ignored, so it is refused.
 */
export const SERVED_SSH_CONFIG_ENV = 'STATEFUL_OPS_MOCK_SSH_CONFIG';

async function openMockAgentTransport(io: Io, stateDir: string, log: Logger): Promise<AgentTransport> {
  const hosts = mockAgentHosts(stateDir);
  const served = io.env[SERVED_SSH_CONFIG_ENV];
  const agents = served ? servedAgents(served, stateDir, io.env) : await startMockAgents(stateDir, io.env, hosts);
  log.verbose(`mock: agents answer SSH through ${agents.configPath}; ${agents.permissions}`);
  const known = new Set(hosts.map((h) => h.hostname));
  return {
    sshFlags: { sshConfigFile: agents.configPath, sshUser: undefined, sshIdentity: undefined },
    env: { PATH: io.env.PATH ?? '/usr/bin:/bin', HOME: stateDir },
    // The mock's world is loopback only: a host that is none of its agents is never contacted.
    refuseHost: (host) => (known.has(host) ? undefined : `${host} is not an agent of the mock cluster`),
    close: () => agents.close(),
  };
}

/**
 * The mock agents' SSH servers (and the master's, as a jump host) in a process of their own, as on a real
 * cluster (see agents-process.ts), with the faults and triggers `env` asks for. For one CLI run, or for
 * `mock serve --ssh`.
 */
export async function startMockAgents(
  stateDir: string,
  env: NodeJS.ProcessEnv,
  hosts: MockAgentHost[] = mockAgentHosts(stateDir),
): Promise<MockSshAgentsProcess> {
  // The master (jump host) takes faults too, by the name `master`, so a test can tell that it was used.
  const master = { id: 'master-1', hostname: MOCK_MASTER_PUBLIC_IP };
  const faults = parseSshFaults(env.STATEFUL_OPS_MOCK_SSH_FAULTS, [...hosts, master]);
  // A lost agent's machine is gone: nothing answers on its SSH port.
  for (const h of hosts) if (h.lost) faults[h.id] = { ...faults[h.id], connection: 'refused' };
  return startMockSshAgentsProcess(
    {
      triggers: parseMockTriggers(env.STATEFUL_OPS_MOCK_TRIGGERS, hosts),
      stateDir,
      agents: hosts.map(({ id, hostname, root }) => ({ id, hostname, root })),
      masters: [{ hostname: master.hostname }],
      faults,
    },
    env,
  );
}

function servedAgents(configPath: string, stateDir: string, env: NodeJS.ProcessEnv): MockSshAgentsProcess {
  const fail = (why: string) => usageError(`${SERVED_SSH_CONFIG_ENV}: ${why}`);
  for (const other of ['STATEFUL_OPS_MOCK_SSH_FAULTS', 'STATEFUL_OPS_MOCK_TRIGGERS']) {
    if (env[other]) throw fail(`the agents of a mock serve take ${other} when it starts, not from this run (unset one of the two)`);
  }
  let real: string;
  try {
    real = realpathSync(configPath);
  } catch {
    throw fail(`${configPath} does not exist (give the path \`mock serve --ssh\` printed, while it runs)`);
  }
  const sshDir = join(realpathSync(stateDir), 'ssh') + sep;
  if (!real.startsWith(sshDir)) throw fail(`${configPath} is not an ssh_config of the mock cluster in ${stateDir}`);
  const owner = runDirOwner(real.slice(sshDir.length).split(sep)[0] ?? '');
  if (owner === undefined || !processExists(owner)) {
    throw fail(`the mock agents that wrote ${configPath}${owner === undefined ? '' : ` (pid ${owner})`} are not running (is its mock serve --ssh still up?)`);
  }
  return { configPath: real, agents: [], permissions: 'served by a mock serve', close: async () => undefined };
}
