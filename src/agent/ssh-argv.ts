import { CliError } from '../core/errors.js';
import { shCommand } from './quote.js';
import type { AgentSshSettings, AgentTarget } from './settings.js';

/** Seconds an idle shared connection outlives its last command (we also close it explicitly). */
export const CONTROL_PERSIST_SEC = 60;

/**
 * The options part of an ssh invocation, identical for a command and for `-O exit`, so that
 * ControlPath's `%C` (a hash of host, port, user, jump host) names the same socket both times.
 * Order matters: ssh keeps the first value of each option, so BatchMode comes before the user's
 * `-o` (it must never be undone) and our defaults come after them (the user may override those).
 */
export function sshOptionArgs(settings: AgentSshSettings, controlDir: string | undefined): string[] {
  const args: string[] = [];
  if (settings.batchMode) args.push('-o', 'BatchMode=yes');
  for (const opt of settings.options) args.push('-o', opt);
  args.push('-o', `ConnectTimeout=${Math.max(1, Math.ceil(settings.connectTimeoutSec))}`);
  // "Warning: Permanently added ..." would otherwise land in every stderr we classify.
  args.push('-o', 'LogLevel=ERROR');
  if (controlDir !== undefined) {
    args.push(
      '-o', 'ControlMaster=auto',
      '-o', `ControlPath=${controlDir}/%C`,
      '-o', `ControlPersist=${CONTROL_PERSIST_SEC}`,
    );
  }
  if (settings.configFile !== undefined) args.push('-F', settings.configFile);
  if (settings.identityFile !== undefined) args.push('-i', settings.identityFile);
  if (settings.port !== undefined) args.push('-p', String(settings.port));
  if (settings.proxyJump !== undefined) args.push('-J', settings.proxyJump);
  if (settings.user !== undefined) args.push('-l', settings.user);
  return args;
}

/** argv (without the ssh binary) running `remoteArgv` on the agent, each word quoted for its shell. */
export function sshCommandArgv(
  settings: AgentSshSettings,
  target: AgentTarget,
  remoteArgv: readonly string[],
  controlDir: string | undefined,
): string[] {
  checkHost(target.host);
  // -T: no pseudo-terminal, so binary output (tar) passes through untouched.
  return [...sshOptionArgs(settings, controlDir), '-T', '--', target.host, shCommand(remoteArgv)];
}

/** argv asking the shared connection to `target` to shut down. */
export function sshControlExitArgv(settings: AgentSshSettings, target: AgentTarget, controlDir: string): string[] {
  checkHost(target.host);
  return [...sshOptionArgs(settings, controlDir), '-O', 'exit', '--', target.host];
}

/**
 * ControlPath goes through ssh's own tokenizer and `%` expansion, and a unix socket path is limited
 * to ~108 bytes; a directory that does not fit means running without multiplexing.
 */
export function usableControlDir(dir: string): boolean {
  return /^[A-Za-z0-9_./-]+$/.test(dir) && dir.length + 1 + 40 < 100;
}

function checkHost(host: string): void {
  // eslint-disable-next-line no-control-regex
  if (host === '' || host.startsWith('-') || /[\s\x00-\x1f\x7f]/.test(host)) {
    throw new CliError('usage', `invalid agent host name ${JSON.stringify(host)}`);
  }
}
