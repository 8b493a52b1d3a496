import { PassThrough, Writable, type Readable } from 'node:stream';
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

/** A stream that keeps what is written to it, for tests to read back. */
export class BufferedOutput extends Writable {
  private readonly chunks: Buffer[] = [];

  override _write(chunk: Buffer | string, encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
    done();
  }

  /** Everything written so far, as UTF-8. */
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export interface TestIo extends Io {
  stdout: BufferedOutput;
  stderr: BufferedOutput;
  /** Write to it to feed the command; end it for end of input. */
  stdin: PassThrough;
}

export interface TestIoOptions {
  /** What stdin holds (then ended). Without it stdin stays open, for the test to feed. */
  stdin?: string;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  stdinIsTTY?: boolean;
  stdoutColumns?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  homedir?: string;
}

/**
 * Streams in memory, like GitHub CLI's iostreams.Test(): no terminal unless asked for, an environment of
 * its own (nothing of the test process leaks in), stdout and stderr kept for the test to read.
 */
export function testIo(o: TestIoOptions = {}): TestIo {
  const stdin = new PassThrough();
  if (o.stdin !== undefined) stdin.end(o.stdin);
  return {
    stdout: new BufferedOutput(),
    stderr: new BufferedOutput(),
    stdin,
    stdoutIsTTY: o.stdoutIsTTY ?? false,
    stderrIsTTY: o.stderrIsTTY ?? false,
    stdinIsTTY: o.stdinIsTTY ?? false,
    ...(o.stdoutColumns === undefined ? {} : { stdoutColumns: o.stdoutColumns }),
    env: o.env ?? {},
    cwd: o.cwd ?? '/',
    homedir: o.homedir ?? '/nonexistent',
  };
}
