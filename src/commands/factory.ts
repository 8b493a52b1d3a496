import type { Command } from 'commander';
import { createContext, type Ctx, type GlobalOptions, type Io } from '../context.js';
import { CliError, ExitCode, isCliError, type ExitCodeValue } from '../errors.js';

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
      const interrupt = new AbortController();
      const ctx = createContext(io, opts, interrupt.signal);
      const onSigint = () => {
        // A second Ctrl-C falls through to Node's default handler and kills the process.
        process.off('SIGINT', onSigint);
        ctx.log.warn('interrupted: finishing the current step, then stopping');
        interrupted = true;
        interrupt.abort();
      };
      let interrupted = false;
      process.on('SIGINT', onSigint);
      try {
        factory.exitCode = (await run(ctx)) ?? ExitCode.OK;
        await ctx.flush();
        if (interrupted && factory.exitCode === ExitCode.OK) factory.exitCode = ExitCode.INTERRUPTED;
      } catch (e) {
        factory.exitCode = reportError(ctx, e);
      } finally {
        process.off('SIGINT', onSigint);
        await ctx.close();
      }
    },
  };
  return factory;
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
  const wantsColor = o.color !== false && io.stderrIsTTY && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const opts: GlobalOptions = {
    json: o.json === true,
    quiet: o.quiet === true,
    verbose: typeof o.verbose === 'number' ? o.verbose : verbosityFromEnv(io.env),
    color: wantsColor,
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

function verbosityFromEnv(env: NodeJS.ProcessEnv): number {
  const v = Number(env.DCOS_VERBOSITY);
  return Number.isInteger(v) && v > 0 ? Math.min(v, 2) : 0;
}
