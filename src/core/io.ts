import type { Readable, Writable } from 'node:stream';
import { homedir } from 'node:os';

/** The process's streams and environment, injected so tests never touch the real terminal. */
export interface Io {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
  /** Width of the terminal on stdout; undefined when stdout is no terminal. */
  stdoutColumns?: number;
  env: NodeJS.ProcessEnv;
  cwd: string;
  homedir: string;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdinIsTTY: Boolean(process.stdin.isTTY),
    ...(process.stdout.isTTY && process.stdout.columns > 0 ? { stdoutColumns: process.stdout.columns } : {}),
    env: process.env,
    cwd: process.cwd(),
    homedir: homedir(),
  };
}

/**
 * How tables are laid out. Like `gh`, narrowing happens only on a terminal: piped or redirected output
 * always carries full values (kubectl never truncates at all; scripts should use --json or -q anyway).
 */
export interface TableLayout {
  /** `-o wide`: full ids, the extra columns, no cutting. */
  wide: boolean;
  /** The terminal's width; undefined when stdout is no terminal (nothing is cut or shortened). */
  maxWidth?: number;
}
