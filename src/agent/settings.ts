import type { SshSettings as ClusterSshSettings } from '../config/types.js';

/** An agent as ssh sees it. `id` is the Mesos agent id when known (callers resolve it through the master). */
export interface AgentTarget {
  id?: string;
  host: string;
}

/** How agents are reached over SSH; built once per command by `resolveAgentSshSettings`. */
export interface AgentSshSettings {
  /** `-l`; omitted when undefined (then ssh_config or the local user name decides). */
  user?: string;
  identityFile?: string;
  port?: number;
  /** Each becomes `-o <opt>`; they come before ours, and ssh keeps the first value it sees. */
  options: string[];
  /** `-J`: the leading master or a bastion, like dcos `--master-proxy` / `--proxy-ip`. */
  proxyJump?: string;
  /** Where proxyJump came from, for messages ("--ssh-proxy", "core.ssh_proxy_ip", "--master-proxy"). */
  proxySource?: string;
  /**
   * Run every remote script as root through `sudo -n` (never a password prompt): the SSH user of a
   * real agent (centos, core) cannot read or delete volume data owned by root or a task's user.
   */
  sudo: boolean;
  configFile?: string;
  connectTimeoutSec: number;
  /** `BatchMode=yes`: never prompt (no TTY, or `--yes`). A prompt nobody answers would hang the fan-out. */
  batchMode: boolean;
  /** Share one connection per agent (ControlMaster) between the commands of one CLI run. */
  multiplex: boolean;
  concurrency: number;
  /** Budget for everything done on one agent during a fan-out. */
  perAgentTimeoutMs: number;
  /** Budget for one remote command unless the caller passes its own. */
  commandTimeoutMs: number;
  /** The ssh executable; `ssh` from PATH like the DC/OS CLI. */
  sshBinary: string;
}

/** The DC/OS CLI's default since 2.1-patch.1 (../shared/reference/dcos-cli/README.md §4). */
export const DEFAULT_SSH_USER = 'centos';
export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_CONNECT_TIMEOUT_SEC = 10;
export const DEFAULT_PER_AGENT_TIMEOUT_MS = 120_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;

/** What the command line can say about SSH; every field optional. */
export interface AgentSshFlags {
  sshUser?: string;
  sshIdentity?: string;
  sshPort?: number;
  sshOption?: string[];
  sshConfigFile?: string;
  proxyJump?: string;
  /** `--master-proxy`: jump through the leading master (the address is found from the cluster). */
  masterProxy?: boolean;
  /** `--sudo` (also STATEFUL_OPS_SSH_SUDO=1, stateful_ops.ssh_sudo in dcos.toml). */
  sudo?: boolean;
  connectTimeoutSec?: number;
  concurrency?: number;
  perAgentTimeoutMs?: number;
  commandTimeoutMs?: number;
  multiplex?: boolean;
  /** `--yes`: nobody is there to answer a prompt. */
  yes?: boolean;
}

/**
 * Flags win over dcos.toml (`core.ssh_user`, `core.ssh_proxy_ip`). Like `dcos node ssh`, no default
 * user is forced when an ssh config file is given: that file then decides. The jump host, like the
 * DC/OS CLI: `--ssh-proxy` > `core.ssh_proxy_ip` > `--master-proxy` (its address, found from the
 * cluster by the caller, comes in as `masterProxyHost`).
 */
export function resolveAgentSshSettings(input: {
  flags: AgentSshFlags;
  cluster?: ClusterSshSettings;
  stdinIsTTY: boolean;
  masterProxyHost?: string;
}): AgentSshSettings {
  const { flags, cluster } = input;
  const user = flags.sshUser ?? cluster?.user ?? (flags.sshConfigFile ? undefined : DEFAULT_SSH_USER);
  const [proxy, proxySource] =
    flags.proxyJump !== undefined
      ? [flags.proxyJump, '--ssh-proxy']
      : cluster?.proxyIp !== undefined
        ? [cluster.proxyIp, 'core.ssh_proxy_ip']
        : input.masterProxyHost !== undefined
          ? [input.masterProxyHost, '--master-proxy']
          : [undefined, undefined];
  const settings: AgentSshSettings = {
    options: flags.sshOption ?? [],
    connectTimeoutSec: positive(flags.connectTimeoutSec, DEFAULT_CONNECT_TIMEOUT_SEC),
    batchMode: flags.yes === true || !input.stdinIsTTY,
    multiplex: flags.multiplex ?? true,
    concurrency: positive(flags.concurrency, DEFAULT_CONCURRENCY),
    perAgentTimeoutMs: positive(flags.perAgentTimeoutMs, DEFAULT_PER_AGENT_TIMEOUT_MS),
    commandTimeoutMs: positive(flags.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS),
    sshBinary: 'ssh',
    sudo: flags.sudo ?? cluster?.sudo ?? false,
  };
  if (user !== undefined) settings.user = user;
  if (flags.sshIdentity !== undefined) settings.identityFile = flags.sshIdentity;
  if (flags.sshPort !== undefined) settings.port = flags.sshPort;
  if (flags.sshConfigFile !== undefined) settings.configFile = flags.sshConfigFile;
  // A bare jump host would be logged into as the *local* user; the agents' user is the one that exists there.
  if (proxy !== undefined) {
    settings.proxyJump = proxy.includes('@') || user === undefined ? proxy : `${user}@${proxy}`;
    settings.proxySource = proxySource;
  }
  return settings;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** `id (host)` when the Mesos id is known, else the host: how every message names an agent. */
export function agentLabel(agent: AgentTarget): string {
  return agent.id && agent.id !== agent.host ? `${agent.id} (${agent.host})` : agent.host;
}
