import { setMaxListeners } from 'node:events';
import type { Command } from 'commander';
import type { Ctx, GlobalOptions, Io } from '../context/context.js';
import { CliError, ExitCode, isCliError, type ExitCodeValue } from '../core/errors.js';
import { holdsDestructiveLock } from '../safety/lock-held.js';
import { wantsColour } from '../output/colour.js';

/**
 * What every command definition receives: the injected streams and a way to run its
 * `run(ctx, options)` with a fresh context. Mirrors GitHub CLI's Factory / NewCmdX(f, runF).
 */
export interface Factory {
  io: Io;
  /** Exit code of the last command run through `execute`. */
  exitCode: ExitCodeValue;
  execute(cmd: Command, run: (ctx: Ctx) => Promise<ExitCodeValue | void>): Promise<void>;
}

export function createFactory(io: Io): Factory {
  const factory: Factory = {
    io,
    exitCode: ExitCode.OK,
    async execute(cmd, run) {
      let opts: GlobalOptions;
      try {
        opts = globalOptions(cmd, io);
      } catch (e) {
        io.stderr.write(`Error: ${(e as Error).message}\n`);
        factory.exitCode = isCliError(e) ? e.exitCode : ExitCode.USAGE;
        return;
      }
      // Loaded here, not up front: `--help` never needs the logger, its colours or the output machinery.
      const { createContext } = await import('../context/context.js');
      const interrupt = new AbortController();
      const stopNow = new AbortController();
      // Every command in flight of a fan-out listens to these (and stops listening when it ends): no leak.
      setMaxListeners(0, interrupt.signal, stopNow.signal);
      const ctx = createContext(io, opts, interrupt.signal, stopNow.signal);
      const interruptions = handleInterrupts(ctx, interrupt, stopNow);
      try {
        factory.exitCode = (await run(ctx)) ?? ExitCode.OK;
        await ctx.flush();
      } catch (e) {
        factory.exitCode = reportError(ctx, e);
      } finally {
        await ctx.close(); // still under the handlers: a Ctrl-C during cleanup is not a silent kill
        interruptions.stop();
      }
      // Whatever the command made of it, an interrupted run says so to scripts (the output says what was done).
      if (interrupt.signal.aborted) factory.exitCode = ExitCode.INTERRUPTED;
    },
  };
  return factory;
}

/**
 * Ctrl-C, escalating for a destructive run (one that holds the
 * cluster's lock; any other command exits at the second):
 * 1. the current step finishes, nothing new starts;
 * 2. remote commands in flight are killed: their steps are journaled as failed with "outcome unknown",
 *    and the command still prints what was done and releases its lock;
 * 3. exit at once. Journal writes are synchronous, so no record is half-written; the lock is released
 *    by its process 'exit' hook; a step in flight is journaled as `started` only (re-inspected on re-run).
 */
function handleInterrupts(ctx: Ctx, interrupt: AbortController, stopNow: AbortController): { stop(): void } {
  let count = 0;
  const onSignal = () => {
    count++;
    if (count === 1) {
      ctx.log.warn('interrupted: finishing the current step, then stopping (Ctrl-C again to stop now)');
      interrupt.abort();
    } else if (count === 2 && !holdsDestructiveLock()) {
      // Nothing destructive under way (a read, a plan): nothing to keep consistent, stop like any CLI.
      process.exit(ExitCode.INTERRUPTED);
    } else if (count === 2) {
      ctx.log.warn('stopping now: killing remote commands in flight; their steps are journaled as "outcome unknown" (Ctrl-C again to exit at once)');
      stopNow.abort();
    } else {
      ctx.io.stderr.write('Exiting at once: steps in flight stay journaled as started; re-run the same command to re-inspect them.\n');
      process.exit(ExitCode.INTERRUPTED);
    }
  };
  process.on('SIGINT', onSignal);
  return { stop: () => process.off('SIGINT', onSignal) };
}

/** One clear line (plus an optional hint) on stderr; the stack only with --verbose. */
export function reportError(ctx: Ctx, e: unknown): ExitCodeValue {
  if (isCliError(e)) {
    ctx.log.error(e.message);
    if (e.hint) ctx.log.hint(e.hint);
    if (ctx.opts.verbose > 0 && e.cause !== undefined) ctx.log.verbose(`cause: ${describeCause(e.cause)}`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  ctx.log.error(`unexpected failure: ${err.message}`);
  if (ctx.opts.verbose > 0 && err.stack) ctx.log.verbose(err.stack);
  else ctx.log.hint('Run again with --verbose for details.');
  return ExitCode.ERROR;
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}

function globalOptions(cmd: Command, io: Io): GlobalOptions {
  const o = cmd.optsWithGlobals<Record<string, unknown>>();
  const output = outputFormat(o.output, o.json === true);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const opts: GlobalOptions = {
    json: output === 'json',
    output,
    quiet: o.quiet === true,
    verbose: typeof o.verbose === 'number' ? o.verbose : verbosityFromEnv(io.env),
    color: wantsColour(io.stderrIsTTY, io.env, o.color !== false),
    stdoutColor: wantsColour(io.stdoutIsTTY, io.env, o.color !== false),
    mock: o.mock === true,
    insecure: o.insecure === true,
  };
  const strings = ['mockDir', 'url', 'marathonUrl', 'mesosUrl', 'acsToken', 'acsTokenFile', 'saUid', 'saKeyFile', 'caBundle', 'timeout'] as const;
  for (const key of strings) {
    const v = str(o[key]);
    if (v !== undefined) opts[key] = v;
  }
  if (opts.quiet && opts.verbose > 0) throw new CliError('usage', '--quiet and --verbose cannot be combined');
  return opts;
}

function outputFormat(value: unknown, json: boolean): NonNullable<GlobalOptions['output']> {
  if (value === undefined) return json ? 'json' : 'table';
  if (value !== 'table' && value !== 'wide' && value !== 'json') {
    throw new CliError('usage', `--output must be table, wide or json, got '${String(value)}'`);
  }
  if (json && value !== 'json') throw new CliError('usage', `--json and --output ${value} cannot be combined`);
  return value;
}

function verbosityFromEnv(env: NodeJS.ProcessEnv): number {
  const v = Number(env.DCOS_VERBOSITY);
  return Number.isInteger(v) && v > 0 ? Math.min(v, 2) : 0;
}
