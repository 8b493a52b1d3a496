import { Option, type Command } from 'commander';
import type { AgentSshFlags } from '../agent/settings.js';
import { usageError } from '../core/errors.js';
import { collect } from './options.js';

/** The SSH options of every command that works on agents (wipe, volumes --disk-usage, recovery checks…). */
export interface SshCommandOptions {
  sshUser?: string;
  sshIdentity?: string;
  sshPort?: string;
  sshOption?: string[];
  sshConfig?: string;
  sshProxy?: string;
  masterProxy?: boolean;
  sudo?: boolean;
  sshConnectTimeout?: string;
  concurrency?: string;
  agentTimeout?: string;
}

/** Fresh option objects: commander keeps state on them, so each command gets its own. */
function sshOptions(): Option[] {
  return [
    new Option('--ssh-user <user>', 'SSH user on the agents (default: core.ssh_user, else centos)'),
    new Option('--ssh-identity <file>', 'SSH private key (default: your ssh-agent / ~/.ssh config)'),
    new Option('--ssh-port <port>', 'SSH port on the agents'),
    new Option('--ssh-option <opt>', 'Extra ssh -o option (repeatable)').argParser(collect),
    new Option('--ssh-config <file>', 'ssh_config file to use (ssh -F)'),
    new Option('--ssh-proxy <host>', 'Jump host, e.g. a bastion (default: core.ssh_proxy_ip)'),
    new Option('--master-proxy', 'Jump through the leading master (its public IP from the cluster), like dcos node ssh --master-proxy'),
    new Option('--sudo', 'Run the remote commands as root with sudo -n (also STATEFUL_OPS_SSH_SUDO=1)'),
    new Option('--ssh-connect-timeout <seconds>', 'SSH connect timeout'),
    new Option('--concurrency <n>', 'Agents worked on at once (default 16)'),
    new Option('--agent-timeout <seconds>', 'Budget for all work on one agent (default 120)'),
  ];
}

const SSH_KEYS = sshOptions().map((o) => o.attributeName());

/**
 * The SSH options in the global position (`stateful-ops --sudo --ssh-user core agent recovery-config`),
 * grouped apart in the top-level help. The program parses its own options wherever they stand, so
 * these also take the values written after the command; addSshOptions hands them to the command.
 */
export function addGlobalSshOptions(program: Command): Command {
  for (const o of sshOptions()) program.addOption(o.helpGroup('SSH options (commands that work on agents):'));
  return program;
}

export function addSshOptions(cmd: Command): Command {
  for (const o of sshOptions()) cmd.addOption(o);
  return cmd.hook('preAction', (self) => {
    const all = self.optsWithGlobals<Record<string, unknown>>();
    for (const key of SSH_KEYS) {
      if (self.getOptionValue(key) === undefined && all[key] !== undefined) self.setOptionValue(key, all[key]);
    }
  });
}

export function sshFlagsFrom(o: SshCommandOptions, yes = false): AgentSshFlags {
  const flags: AgentSshFlags = { yes };
  if (o.sshUser !== undefined) flags.sshUser = o.sshUser;
  if (o.sshIdentity !== undefined) flags.sshIdentity = o.sshIdentity;
  if (o.sshPort !== undefined) flags.sshPort = positiveInt(o.sshPort, '--ssh-port');
  if (o.sshOption !== undefined) flags.sshOption = o.sshOption;
  if (o.sshConfig !== undefined) flags.sshConfigFile = o.sshConfig;
  if (o.sshProxy !== undefined) flags.proxyJump = o.sshProxy;
  if (o.masterProxy === true) {
    if (o.sshProxy !== undefined) throw usageError('--ssh-proxy and --master-proxy name two different jump hosts: give one');
    flags.masterProxy = true;
  }
  if (o.sudo === true) flags.sudo = true;
  if (o.sshConnectTimeout !== undefined) flags.connectTimeoutSec = positiveInt(o.sshConnectTimeout, '--ssh-connect-timeout');
  if (o.concurrency !== undefined) flags.concurrency = positiveInt(o.concurrency, '--concurrency');
  if (o.agentTimeout !== undefined) flags.perAgentTimeoutMs = positiveInt(o.agentTimeout, '--agent-timeout') * 1000;
  return flags;
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw usageError(`${flag} must be a positive whole number, got '${value}'`);
  return n;
}
