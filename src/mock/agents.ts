import { agentRoot } from './paths.js';
import { readStateFile } from './store.js';

/**
 * The leading master's public IP as Admin Router's /metadata reports it; the mock's master answers SSH
 * there as a jump host (`--master-proxy`). Loopback, like everything the mock serves.
 */
export const MOCK_MASTER_PUBLIC_IP = '127.0.0.1';

/** One mock agent machine, as the mock SSH server needs it: where to answer and which directory is its `/`. */
export interface MockAgentHost {
  id: string;
  hostname: string;
  root: string;
  /** Removed from the Mesos master; the machine (and its sandbox) still exists. */
  lost: boolean;
  public: boolean;
}

export function mockAgentHosts(stateDir: string): MockAgentHost[] {
  const state = readStateFile(stateDir);
  if (!state) throw new Error(`no mock state in ${stateDir}; run "stateful-ops mock reset"`);
  return state.agents.map((a) => ({ id: a.id, hostname: a.hostname, root: agentRoot(stateDir, a.id), lost: a.lost, public: a.public }));
}
