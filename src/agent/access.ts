import { AgentFs } from './operations.js';
import type { AgentSshFlags, AgentSshSettings, AgentTarget } from './settings.js';
import { AgentShell } from './ssh.js';

/** Everything a command needs to work on agents over SSH, for one run. */
export interface AgentAccess {
  settings: AgentSshSettings;
  shell: AgentShell;
  fs: AgentFs;
  /** The SSH target for an agent of the cluster. */
  target(agent: { id?: string | null; host: string }): AgentTarget;
  /** Why a host the master does not list must not be contacted (undefined: it may be). */
  refuseHost(host: string): string | undefined;
  close(): Promise<void>;
}

/**
 * How a cluster that brings its own agents' SSH endpoints is reached (the embedded mock: SSH servers
 * started for the run, its generated ssh_config). The commands sent are the same either way.
 */
export interface AgentTransport {
  /** Replace the operator's flags: an ssh_config file that names every agent, no `-l`/`-i` of theirs. */
  sshFlags: Pick<AgentSshFlags, 'sshConfigFile' | 'sshUser' | 'sshIdentity'>;
  /** The environment ssh runs with (HOME decides which ~/.ssh it could read). */
  env: NodeJS.ProcessEnv;
  refuseHost(host: string): string | undefined;
  close(): Promise<void>;
}

/**
 * The access of one run over an AgentShell: `refuseHost` and `closeTransport` come from the transport the
 * cluster brought (the embedded mock's SSH servers), if any.
 */
export function agentAccessOver(
  shell: AgentShell,
  transport?: Pick<AgentTransport, 'refuseHost' | 'close'>,
): AgentAccess {
  return {
    settings: shell.settings,
    shell,
    fs: new AgentFs(shell),
    target: ({ id, host }) => (id ? { id, host } : { host }),
    refuseHost: (host) => transport?.refuseHost(host),
    async close() {
      await shell.close();
      await transport?.close();
    },
  };
}
