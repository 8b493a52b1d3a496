import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CliError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { agentLabel, type AgentSshSettings, type AgentTarget } from './settings.js';
import { sshCommandArgv, sshControlExitArgv, usableControlDir } from './ssh-argv.js';
import { classifySshOutcome, sshFailureError, sudoFailure, type SshOutcome } from './ssh-errors.js';
import { scriptArgv } from './remote-scripts.js';

export interface RemoteRunOptions {
  /** Names the action in error messages, e.g. "reading /etc/mesos-slave". */
  what?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Stream stdout here instead of collecting it (no size limit then). */
  stdoutTo?: Writable;
  /** Send this to the command's stdin (an archive to extract); default: no stdin. */
  stdinFrom?: Readable;
  maxStdoutBytes?: number;
}

/** A remote command that ran; its exit code is the command's own (ssh's failures are thrown). */
export interface RemoteResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

const DEFAULT_MAX_STDOUT = 16 * 1024 * 1024;
const MAX_STDERR = 64 * 1024;
const KILL_GRACE_MS = 2_000;

/** The error of a remote command killed by a second Ctrl-C (journaled with its step). */
export const INTERRUPTED_OUTCOME_UNKNOWN = 'interrupted, outcome unknown: re-run to re-inspect';

/**
 * Runs commands on agents through the system `ssh` binary (no shell in between, argv only).
 * One instance per CLI run: it owns the ControlMaster socket directory and removes it in close().
 *
 * The first command to an agent is a plain ssh: one process, one connection, nothing to shut down, which
 * is all a one-round command (recovery-config, disk usage) needs. From the second command on, the agent
 * gets a shared connection (ControlMaster) that the remaining commands reuse and close() shuts down.
 */
export class AgentShell {
  private controlDir: Promise<string | undefined> | undefined;
  /** Hosts a command was sent to. */
  private readonly contacted = new Set<string>();
  /** Hosts whose commands go through a shared connection (one to shut down in close()). */
  private readonly shared = new Map<string, AgentTarget>();

  constructor(
    readonly settings: AgentSshSettings,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly log?: Logger,
    /** Ctrl-C twice: kill every command in flight, whatever step it belongs to. */
    private readonly stopNow?: AbortSignal,
  ) {}

  /** Runs `argv` on the agent. Throws a CliError for ssh-level failures and timeouts, never for the exit code. */
  async run(agent: AgentTarget, argv: readonly string[], options: RemoteRunOptions = {}): Promise<RemoteResult> {
    const again = this.contacted.has(agent.host);
    this.contacted.add(agent.host);
    const controlDir = again ? await this.ensureControlDir() : undefined;
    const args = sshCommandArgv(this.settings, agent, argv, controlDir);
    if (controlDir !== undefined) this.shared.set(agent.host, agent);
    this.log?.verbose(`ssh ${agentLabel(agent)}: ${args[args.length - 1] ?? ''}`, 2);
    const what = options.what ?? 'remote command';
    const outcome = await this.spawnSsh(args, options, this.stopNow);
    if (outcome.error) throw outcome.error;
    const failure = classifySshOutcome(outcome);
    if (failure !== null && failure !== 'remote-failed') throw sshFailureError(agent, outcome, what);
    if (outcome.tooLarge) {
      throw new CliError('remote', `agent ${agentLabel(agent)}: ${what} printed more than ${options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT} bytes`);
    }
    return { exitCode: outcome.exitCode ?? -1, stdout: outcome.stdout, stderr: outcome.stderr };
  }

  /**
   * Runs one of our constant scripts with its arguments as positional parameters, through `sudo -n`
   * when the settings say so. A sudo that refuses (password needed, not allowed) is thrown, so callers
   * only ever see the script's own exit codes.
   */
  async runScript(agent: AgentTarget, script: string, args: readonly string[], options: RemoteRunOptions = {}): Promise<RemoteResult> {
    const result = await this.run(agent, scriptArgv(script, args, { sudo: this.settings.sudo }), options);
    const refused = this.settings.sudo && result.exitCode !== 0 ? sudoFailure(agent, result, this.settings.user) : undefined;
    if (refused) throw refused;
    return result;
  }

  /** Like run(), but a non-zero exit is an error too. */
  async runOk(agent: AgentTarget, argv: readonly string[], options: RemoteRunOptions = {}): Promise<RemoteResult> {
    const result = await this.run(agent, argv, options);
    if (result.exitCode !== 0) {
      throw sshFailureError(agent, { exitCode: result.exitCode, signal: null, stderr: result.stderr }, options.what);
    }
    return result;
  }

  /** The private directory holding the shared-connection sockets, once an agent got a second command (for -v output). */
  get socketDirectory(): Promise<string | undefined> {
    return this.controlDir ?? Promise.resolve(undefined);
  }

  /** Closes the shared connections and removes the socket directory. Safe to call twice. */
  async close(): Promise<void> {
    const dirPromise = this.controlDir;
    this.controlDir = undefined;
    const dir = dirPromise ? await dirPromise : undefined;
    if (dir === undefined) return;
    const agents = [...this.shared.values()];
    this.shared.clear();
    await Promise.all(
      agents.map((agent) => this.spawnSsh(sshControlExitArgv(this.settings, agent, dir), { timeoutMs: 5_000 })),
    );
    await rm(dir, { recursive: true, force: true });
  }

  private ensureControlDir(): Promise<string | undefined> {
    if (!this.settings.multiplex) return Promise.resolve(undefined);
    this.controlDir ??= mkdtemp(join(tmpdir(), 'so-ssh-')).then(async (dir) => {
      if (usableControlDir(dir)) return dir; // mkdtemp creates it 0700: nobody else can reach our sockets
      this.log?.verbose(`not sharing SSH connections: socket directory path ${dir} is unusable`);
      await rm(dir, { recursive: true, force: true });
      return undefined;
    });
    return this.controlDir;
  }

  private spawnSsh(args: string[], options: RemoteRunOptions, stopNow?: AbortSignal): Promise<SpawnOutcome> {
    if (stopNow?.aborted) {
      const error = new CliError('interrupted', 'stopped (Ctrl-C) before it ran');
      return Promise.resolve({ exitCode: null, signal: null, stderr: '', stdout: Buffer.alloc(0), tooLarge: false, error });
    }
    return new Promise((resolve) => {
      // Own process group: a Ctrl-C at the terminal reaches us, not ssh, so the current step can finish.
      const source = options.stdinFrom;
      const child = spawn(this.settings.sshBinary, args, { stdio: ['pipe', 'pipe', 'pipe'], env: this.env, detached: true });
      if (!source) child.stdin.end();
      else {
        // A remote side that refuses before reading closes its stdin: that is its exit code's to tell, not EPIPE's.
        child.stdin.on('error', () => undefined);
        source.once('error', (e) => {
          error = new CliError('error', `cannot read what was to be sent: ${e.message}`, { cause: e });
          kill();
        });
        source.pipe(child.stdin);
      }
      const maxStdout = options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;
      const chunks: Buffer[] = [];
      let stdoutBytes = 0;
      let stderr = '';
      let tooLarge = false;
      let timedOutAfterMs: number | undefined;
      let error: Error | undefined;
      let killTimer: NodeJS.Timeout | undefined;

      const kill = () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        killTimer ??= setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      };
      const sink = options.stdoutTo;
      const onSinkError = (e: Error) => {
        error = new CliError('error', `cannot write what the agent sent: ${e.message}`, { cause: e });
        child.stdout.resume(); // pipe() let go of it; drain so the process can close
        kill();
      };
      if (sink) {
        sink.once('error', onSinkError);
        child.stdout.pipe(sink, { end: false });
      } else {
        child.stdout.on('data', (d: Buffer) => {
          stdoutBytes += d.length;
          if (stdoutBytes > maxStdout) {
            tooLarge = true;
            kill();
          } else chunks.push(d);
        });
      }
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        if (stderr.length < MAX_STDERR) stderr += d.slice(0, MAX_STDERR - stderr.length);
      });
      const timeoutMs = options.timeoutMs ?? this.settings.commandTimeoutMs;
      const timer = setTimeout(() => {
        timedOutAfterMs = timeoutMs;
        kill();
      }, timeoutMs);
      const onAbort = () => {
        error = options.signal?.reason instanceof Error ? options.signal.reason : new CliError('interrupted', 'aborted');
        kill();
      };
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
      // What the remote side did before the kill cannot be known: the step is re-inspected on a re-run.
      const onStopNow = () => {
        error = new CliError('interrupted', INTERRUPTED_OUTCOME_UNKNOWN);
        kill();
      };
      stopNow?.addEventListener('abort', onStopNow, { once: true });
      child.on('error', (e: NodeJS.ErrnoException) => {
        error = new CliError(
          'config',
          e.code === 'ENOENT' ? `the ssh client '${this.settings.sshBinary}' was not found on PATH` : `cannot run ssh: ${e.message}`,
          { cause: e },
        );
      });
      child.on('close', (exitCode, signal) => {
        clearTimeout(timer);
        if (killTimer) clearTimeout(killTimer);
        options.signal?.removeEventListener('abort', onAbort);
        stopNow?.removeEventListener('abort', onStopNow);
        if (sink) {
          child.stdout.unpipe(sink);
          sink.off('error', onSinkError);
        }
        resolve({
          exitCode,
          signal,
          stderr,
          stdout: Buffer.concat(chunks),
          tooLarge,
          ...(timedOutAfterMs === undefined ? {} : { timedOutAfterMs }),
          ...(error === undefined ? {} : { error }),
        });
      });
    });
  }
}

interface SpawnOutcome extends SshOutcome {
  stdout: Buffer;
  tooLarge: boolean;
  error?: Error;
}
