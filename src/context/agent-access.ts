import { agentAccessOver, type AgentAccess } from '../agent/access.js';
import { resolveAgentSshSettings, type AgentSshFlags } from '../agent/settings.js';
import { AgentShell } from '../agent/ssh.js';
import type { ClusterClients } from '../cluster/clients.js';
import { CliError } from '../core/errors.js';
import type { Io } from '../core/io.js';
import type { Logger } from '../core/log.js';

/**
 * The system ssh with the operator's own config, keys and known_hosts, or with the transport the
 * cluster source provides; either way the same AgentShell and the same bytes on the wire.
 */
export async function openAgentAccess(
  io: Io,
  clients: ClusterClients,
  flags: AgentSshFlags,
  log: Logger,
  stopNow?: AbortSignal,
): Promise<AgentAccess> {
  const transport = clients.source ? await clients.source.openAgentTransport(io, log) : undefined;
  try {
    const masterProxyHost = flags.masterProxy ? await leadingMasterAddress(clients, log) : undefined;
    const settings = resolveAgentSshSettings({
      flags: transport ? { ...flags, sshUser: undefined, sshIdentity: undefined, ...transport.sshFlags } : flags,
      cluster: clients.config.ssh,
      stdinIsTTY: transport ? false : io.stdinIsTTY,
      ...(masterProxyHost === undefined ? {} : { masterProxyHost }),
    });
    if (flags.masterProxy && settings.proxySource !== '--master-proxy') {
      log.info(`--master-proxy not used: ${settings.proxySource} names the jump host ${settings.proxyJump}`);
    }
    if (settings.proxyJump) log.verbose(`agents reached through the jump host ${settings.proxyJump} (${settings.proxySource})`);
    if (settings.sudo) log.verbose('remote commands run as root through sudo -n');
    return agentAccessOver(new AgentShell(settings, transport?.env ?? io.env, log, stopNow), transport);
  } catch (e) {
    await transport?.close();
    throw e;
  }
}

/**
 * Like `dcos node ssh --master-proxy`: the leading master's public IP from `<dcos_url>/metadata`
 * (PUBLIC_IPV4); on plain Mesos (no DC/OS URL) the leader's address from the master's /state.
 */
async function leadingMasterAddress(clients: ClusterClients, log: Logger): Promise<string> {
  if (clients.config.dcosUrl !== undefined) {
    const metadata = await clients.dcosMetadata();
    const ip = metadata?.PUBLIC_IPV4;
    if (typeof ip === 'string' && ip.trim() !== '') {
      log.verbose(`--master-proxy: the leading master's public IP is ${ip.trim()} (from /metadata)`);
      return ip.trim();
    }
    throw new CliError('unreachable', 'cannot use --master-proxy: the cluster did not tell the public IP of its leading master (/metadata has no PUBLIC_IPV4)', {
      hint: 'Give the jump host yourself with --ssh-proxy <host>.',
    });
  }
  const leader = (await clients.mesos.masterState()).leader;
  const host = /^[^@]+@(.+):\d+$/.exec(leader ?? '')?.[1];
  if (host === undefined) {
    throw new CliError('unreachable', `cannot use --master-proxy: the Mesos master reports no leader${leader ? ` it can be reached at (${leader})` : ''}`, {
      hint: 'Give the jump host yourself with --ssh-proxy <host>.',
    });
  }
  log.verbose(`--master-proxy: the leading master is ${host} (from /master/state)`);
  return host;
}
