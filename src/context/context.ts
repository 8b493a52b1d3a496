import type { Writable } from 'node:stream';
import type { Io } from '../core/io.js';
import { Chalk, type ChalkInstance } from 'chalk';
import { Logger } from '../core/log.js';
import type { TableLayout } from '../core/io.js';
import { usageError } from '../core/errors.js';
import type { AgentAccess } from '../agent/access.js';
import type { AgentSshFlags } from '../agent/settings.js';
import type { ConnectionFlags } from '../config/flags.js';
import type { ClusterClients } from '../cluster/clients.js';

export type { Io } from '../core/io.js';
export type { ConnectionFlags } from '../config/flags.js';
export type { ClusterClients, ClusterSource } from '../cluster/clients.js';

/** The global options every command accepts (see README "Global options"). */
export interface GlobalOptions extends ConnectionFlags {
  json: boolean;
  /** `-o table|wide|json`; `--json` is `-o json`. */
  output?: 'table' | 'wide' | 'json';
  quiet: boolean;
  verbose: number;
  /** Colours on stderr (the logger). */
  color: boolean;
  /** Colours on stdout (verdicts, severities in tables and reports). */
  stdoutColor?: boolean;
  mock: boolean;
  mockDir?: string;
}

export interface Ctx {
  io: Io;
  opts: GlobalOptions;
  log: Logger;
  /** How tables fit the terminal (`-o wide`, its width). */
  layout: TableLayout;
  /** Colours for stdout: a no-op painter unless stdout is a terminal and colour is wanted. */
  paint: ChalkInstance;
  /** A progress line on stderr, redrawn in place: only on a terminal, never with --json or --quiet. */
  progress(text: string): void;
  /** Ends the progress line (clears it). */
  progressDone(): void;
  /** Write data (a table, JSON, ids) to stdout. */
  print(text: string): void;
  /** Write a JSON document to stdout (4-space indent, like the DC/OS CLI's Go commands). */
  printJson(value: unknown): void;
  /** Resolves when everything printed so far has been handed to stdout (big JSON is written with backpressure). */
  flush(): Promise<void>;
  /** Connect lazily: commands that need no cluster never pay for it. */
  cluster(): Promise<ClusterClients>;
  /** SSH access to the cluster's agents (the mock's own SSH servers with --mock); opened once per run. */
  agents(flags: AgentSshFlags): Promise<AgentAccess>;
  /** Aborted on the first Ctrl-C: long operations finish their current step, then stop. */
  signal: AbortSignal;
  /** Aborted on the second Ctrl-C: remote commands in flight are killed (their steps end as failed, outcome unknown). */
  stopNow: AbortSignal;
  /** Register work to run when the command ends (close sockets, stop the embedded mock). */
  onClose(fn: () => Promise<void> | void): void;
  close(): Promise<void>;
}

export function createContext(
  io: Io,
  opts: GlobalOptions,
  signal: AbortSignal = new AbortController().signal,
  stopNow: AbortSignal = new AbortController().signal,
): Ctx {
  const log = new Logger({
    stderr: io.stderr,
    quiet: opts.quiet,
    verbosity: opts.verbose,
    color: opts.color,
  });
  const closers: (() => Promise<void> | void)[] = [];
  let clusterPromise: Promise<ClusterClients> | undefined;
  let agentsPromise: Promise<AgentAccess> | undefined;
  let output: Promise<void> = Promise.resolve();

  const showProgress = io.stderrIsTTY && !opts.json && !opts.quiet;
  let progressShown = false;
  log.beforeWrite = () => ctx.progressDone();
  const ctx: Ctx = {
    io,
    opts,
    log,
    layout: { wide: opts.output === 'wide', ...(io.stdoutColumns === undefined ? {} : { maxWidth: io.stdoutColumns }) },
    paint: new Chalk({ level: opts.stdoutColor === true ? 1 : 0 }),
    progress(text) {
      if (!showProgress) return;
      io.stderr.write(`\r\u001b[2K${text}`);
      progressShown = true;
    },
    progressDone() {
      if (progressShown) io.stderr.write('\r\u001b[2K');
      progressShown = false;
    },
    print(text) {
      // In order with JSON still being written.
      output = output.then(() => {
        io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
      });
    },
    printJson(value) {
      output = output.then(() => writeJson(io.stdout, value));
    },
    flush() {
      return output;
    },
    signal,
    stopNow,
    cluster() {
      clusterPromise ??= openCluster(ctx);
      return clusterPromise;
    },
    agents(flags) {
      agentsPromise ??= (async () => {
        const [clients, { openAgentAccess }] = await Promise.all([ctx.cluster(), import('./agent-access.js')]);
        const access = await openAgentAccess(io, clients, flags, log, stopNow);
        ctx.onClose(() => access.close());
        return access;
      })();
      return agentsPromise;
    },
    onClose(fn) {
      closers.push(fn);
    },
    async close() {
      ctx.progressDone();
      for (const fn of closers.splice(0).reverse()) {
        try {
          await fn();
        } catch (e) {
          log.verbose(`cleanup failed: ${(e as Error).message}`);
        }
      }
    },
  };
  return ctx;
}

async function openCluster(ctx: Ctx): Promise<ClusterClients> {
  const { opts, io, log } = ctx;
  const { connect } = await import('../cluster/connect.js');
  if (opts.mock) {
    if (opts.url || opts.marathonUrl || opts.mesosUrl) {
      throw usageError('--mock cannot be combined with --url, --marathon-url or --mesos-url');
    }
    const { startEmbeddedMock } = await import('../mock/embedded.js');
    const mock = await startEmbeddedMock({
      ...(opts.mockDir === undefined ? {} : { stateDir: opts.mockDir }),
      env: io.env,
      homedir: io.homedir,
      log,
    });
    ctx.onClose(() => mock.close());
    const { mockClusterConfig, sudoFromEnv } = await import('../config/resolve.js');
    const config = mockClusterConfig(mock.url, mock.token, opts);
    const sudo = sudoFromEnv(io.env.STATEFUL_OPS_SSH_SUDO);
    if (sudo !== undefined) config.ssh.sudo = sudo;
    log.verbose(`using the embedded mock cluster at ${mock.url} (state in ${mock.stateDir})`);
    const clients = await connect(config, log);
    ctx.onClose(() => clients.close());
    return { ...clients, source: mock.source };
  }
  const { resolveClusterConfig } = await import('../config/resolve.js');
  const config = await resolveClusterConfig({ flags: opts, env: io.env, homedir: io.homedir, cwd: io.cwd });
  log.verbose(`cluster: Marathon ${config.marathonUrl}, Mesos ${config.mesosUrl} (from ${config.origin})`);
  const clients = await connect(config, log);
  ctx.onClose(() => clients.close());
  return clients;
}

const JSON_FLUSH_BYTES = 64 * 1024;

/**
 * JSON with a 4-space indent. Arrays are written element by element, waiting for the reader when the
 * pipe is full, so a 50,000-row answer never exists as one giant string or a giant write queue.
 */
async function writeJson(out: Writable, value: unknown): Promise<void> {
  if (!Array.isArray(value) || value.length === 0) {
    out.write(`${JSON.stringify(value, null, 4)}\n`);
    return;
  }
  let buffer = '[\n';
  for (let i = 0; i < value.length; i++) {
    buffer += `    ${JSON.stringify(value[i], null, 4).replaceAll('\n', '\n    ')}${i < value.length - 1 ? ',' : ''}\n`;
    if (buffer.length >= JSON_FLUSH_BYTES) {
      const more = out.write(buffer);
      buffer = '';
      if (!more) await new Promise<void>((resolve) => out.once('drain', resolve));
    }
  }
  out.write(`${buffer}]\n`);
}
