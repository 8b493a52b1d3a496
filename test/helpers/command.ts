import { CommanderError, type Command } from 'commander';
import type { ClusterClients, Ctx, GlobalOptions } from '../../src/context/context.js';
import { createContext } from '../../src/context/context.js';
import { ExitCode, type ExitCodeValue } from '../../src/core/errors.js';
import { testIo, type TestIo } from '../../src/core/io.js';
import { createFactory, reportError, type Factory } from '../../src/commands/factory.js';

// What the spy stands in for: any command's run (it always answers OK).
type Run = (ctx: Ctx, ...args: unknown[]) => Promise<ExitCodeValue>;

export interface Parsed {
  /** The arguments that reached run (after the context): positional ones, then the options; undefined if run was never called. */
  args: unknown[] | undefined;
  exitCode: number;
  stderr: string;
}

/**
 * A command's definition parsing `argv` (the words after the command's name), its run replaced by a spy:
 * what reached run, or the usage error. A commander error is exit 2, as the CLI's main makes it.
 */
export async function parseCommand(define: (f: Factory, runF: Run) => Command, argv: string[], io: TestIo = testIo()): Promise<Parsed> {
  const f = createFactory(io);
  let args: unknown[] | undefined;
  const cmd = define(f, async (_ctx, ...rest) => {
    args = rest;
    return ExitCode.OK;
  });
  cmd.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  try {
    await cmd.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    return { args, exitCode: ExitCode.USAGE, stderr: io.stderr.text() };
  }
  return { args, exitCode: f.exitCode, stderr: io.stderr.text() };
}

/** The global options as the CLI gives them when none are passed. */
export function globalOptions(given: Partial<GlobalOptions> = {}): GlobalOptions {
  return { json: false, output: 'table', quiet: false, verbose: 0, color: false, stdoutColor: false, mock: false, insecure: false, ...given };
}

export interface Ran {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * A command's run against a context over `io`, as the factory runs it: everything printed is flushed, an
 * error becomes its one line on stderr and its exit code. `clients` replaces the cluster connection.
 */
export async function runCommand(
  run: (ctx: Ctx) => Promise<ExitCodeValue | void>,
  o: { io?: TestIo; globals?: Partial<GlobalOptions>; clients?: ClusterClients } = {},
): Promise<Ran> {
  const io = o.io ?? testIo();
  const ctx = createContext(io, globalOptions(o.globals));
  if (o.clients) {
    const clients = o.clients;
    ctx.cluster = async () => clients;
  }
  let exitCode: number;
  try {
    exitCode = (await run(ctx)) ?? ExitCode.OK;
    await ctx.flush();
  } catch (e) {
    exitCode = reportError(ctx, e);
  } finally {
    await ctx.close();
  }
  return { exitCode, stdout: io.stdout.text(), stderr: io.stderr.text() };
}

/** A cluster in memory: only the calls a test gives exist; any other call fails the test loudly. */
export function fakeClients(parts: { marathon?: Partial<ClusterClients['marathon']>; mesos?: Partial<ClusterClients['mesos']> }): ClusterClients {
  const strict = <T extends object>(name: string, given: Partial<T>): T =>
    new Proxy(given, {
      get: (target, key) => {
        if (key in target) return target[key as keyof typeof target];
        if (key === 'baseUrl') return `http://127.0.0.1:1/${name}`;
        if (key === 'then') return undefined;
        return () => Promise.reject(new Error(`${name}.${String(key)} is not part of this test's cluster`));
      },
    }) as T;
  return {
    config: {} as ClusterClients['config'],
    marathon: strict('marathon', parts.marathon ?? {}),
    mesos: strict('mesos', parts.mesos ?? {}),
    dcosMetadata: async () => undefined,
  };
}

