import { CliError, ExitCode } from '../core/errors.js';
import { agentLabel, type AgentTarget } from './settings.js';

/** How one ssh invocation ended, as seen from outside the process. */
export interface SshOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Our own timer killed it. */
  timedOutAfterMs?: number;
}

/**
 * Failure classes and the exit code each maps to (also in README "Exit codes"):
 *   cannot-connect → 7 UNREACHABLE  connection refused, no route, unknown host, connection dropped
 *   timeout        → 7 UNREACHABLE  ssh's ConnectTimeout, or our per-call/per-agent timer
 *   host-key       → 6 AUTH         unknown or changed host key (never auto-accepted)
 *   auth           → 6 AUTH         the agent refused our user/key
 *   ssh-config     → 2 USAGE        ssh rejected its own options or config file
 *   ssh-failed     → 7 UNREACHABLE  any other exit 255: ssh itself failed before or while talking to the agent
 *   remote-failed  → 1 ERROR        the remote command ran and exited non-zero
 */
export type SshFailureClass =
  | 'cannot-connect'
  | 'timeout'
  | 'host-key'
  | 'auth'
  | 'ssh-config'
  | 'ssh-failed'
  | 'remote-failed';

/** ssh exits 255 for its own errors; any other code is the remote command's. */
export const SSH_OWN_FAILURE = 255;

const patterns: [SshFailureClass, RegExp][] = [
  ['host-key', /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|host key is known for .* requested strict checking/i],
  ['auth', /Permission denied \(|Too many authentication failures|no matching host key type|Authentication failed/i],
  ['timeout', /timed out|Operation timed out/i],
  [
    'cannot-connect',
    /Connection refused|No route to host|Could not resolve hostname|Name or service not known|Network is unreachable|Connection closed by|Connection reset|kex_exchange_identification|connect failed|stdio forwarding failed|Broken pipe/i,
  ],
  ['ssh-config', /Bad configuration option|command-line line \d+|Unsupported option|missing argument|terminating, \d+ bad configuration options|Can't open user config file/i],
];

/** null when the command succeeded; otherwise which class of failure (pure, for tests and fan-out reports). */
export function classifySshOutcome(outcome: SshOutcome): SshFailureClass | null {
  if (outcome.timedOutAfterMs !== undefined) return 'timeout';
  if (outcome.exitCode === 0) return null;
  if (outcome.exitCode === SSH_OWN_FAILURE || outcome.exitCode === null) {
    for (const [kind, re] of patterns) if (re.test(outcome.stderr)) return kind;
    return 'ssh-failed';
  }
  return 'remote-failed';
}

/** The first meaningful stderr line, printable and bounded, for a one-line message. */
export function firstStderrLine(stderr: string): string {
  const line =
    stderr
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '' && !/^@+$/.test(l)) ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = line.replace(/[\x00-\x1f\x7f]/g, '?').replace(/^ssh: /, '');
  return clean.length > 200 ? `${clean.slice(0, 197)}...` : clean;
}

/**
 * One clear line naming the agent. `what` names the remote action ("reading /etc/x") for
 * remote failures. Never includes key material: ssh does not print it and we add none.
 */
export function sshFailureError(agent: AgentTarget, outcome: SshOutcome, what = 'remote command'): CliError {
  const label = agentLabel(agent);
  const detail = firstStderrLine(outcome.stderr);
  const kind = classifySshOutcome(outcome) ?? 'remote-failed';
  switch (kind) {
    case 'cannot-connect':
      return new CliError('unreachable', `agent ${label}: cannot connect over SSH: ${detail || 'connection failed'}`, {
        hint: 'Check that the agent is up and reachable on its SSH port (a jump host may be needed: the leading master).',
      });
    case 'timeout':
      return new CliError(
        'timeout',
        outcome.timedOutAfterMs !== undefined
          ? `agent ${label}: SSH ${what} timed out after ${formatSeconds(outcome.timedOutAfterMs)}`
          : `agent ${label}: SSH connection timed out: ${detail}`,
      );
    case 'host-key': {
      const changed = /REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(outcome.stderr);
      return new CliError(
        'auth',
        changed
          ? `agent ${label}: SSH host key has CHANGED (agent reinstalled, or someone is intercepting the connection)`
          : `agent ${label}: SSH host key verification failed (the host key is unknown or does not match)`,
        { hint: `Verify the agent's key, then update known_hosts (ssh-keygen -R ${agent.host}).` },
      );
    }
    case 'auth':
      return new CliError('auth', `agent ${label}: SSH authentication denied: ${detail}`, {
        hint: 'Check the SSH user (core.ssh_user, default centos) and key (ssh-agent or an identity file).',
      });
    case 'ssh-config':
      return new CliError('config', `ssh rejected its options or config file: ${detail}`);
    case 'ssh-failed':
      return new CliError('unreachable', `agent ${label}: ssh failed${detail ? `: ${detail}` : ''}`, {
        exitCode: ExitCode.UNREACHABLE,
      });
    case 'remote-failed': {
      const status = outcome.exitCode === null ? `signal ${outcome.signal ?? '?'}` : `exit ${outcome.exitCode}`;
      return new CliError('remote', `agent ${label}: ${what} failed (${status})${detail ? `: ${detail}` : ''}`);
    }
  }
}

/** `60s`, `1.5s`, `0.15s`: as many decimals as needed, at most two. */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))}s`;
}

/** sudo itself refused (not the script): the same on every agent as a rule, so a run stops on it before touching anything. */
export class SudoRefusedError extends CliError {}

/**
 * `sudo -n` refusing rather than the script failing: sudo's own messages (sudo 1.8/1.9) on stderr with
 * exit 1, or no sudo at all (127). One line with the remedy; exit 6 like any other refused credential.
 */
export function sudoFailure(agent: AgentTarget, result: { exitCode: number; stderr: string }, user: string | undefined): CliError | undefined {
  const label = agentLabel(agent);
  const who = user ?? 'the SSH user';
  const line = firstStderrLine(result.stderr);
  const remedy = `allow ${who} passwordless sudo on the agents (a sudoers drop-in with NOPASSWD), or run without --sudo as a user who may`;
  if (result.exitCode === 1 && /^sudo: (a password is required|a terminal is required|no tty present)/.test(line)) {
    return new SudoRefusedError('auth', `agent ${label}: sudo needs a password for ${who}; stateful-ops never types one`, { hint: remedy });
  }
  if (result.exitCode === 1 && /^(Sorry, user .* is not allowed|.* is not in the sudoers file|sudo: .*not allowed)/.test(line)) {
    return new SudoRefusedError('auth', `agent ${label}: ${who} may not run commands as root through sudo (${line})`, { hint: remedy });
  }
  if (result.exitCode === 127 && /sudo.*(not found|No such file)/.test(line)) {
    return new SudoRefusedError('auth', `agent ${label}: --sudo given, but sudo is not installed there`, { hint: 'Install sudo on the agent, or log in as a user that can read and delete the volumes.' });
  }
  return undefined;
}
