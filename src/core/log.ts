import type { Writable } from 'node:stream';
import { Chalk, type ChalkInstance } from 'chalk';

export interface LoggerOptions {
  stderr: Writable;
  quiet: boolean;
  verbosity: number;
  color: boolean;
}

/**
 * Everything that is not data goes to stderr through this logger, so stdout stays pipeable.
 * Secrets must never reach it: callers pass messages that were built without tokens.
 */
export class Logger {
  readonly paint: ChalkInstance;
  readonly verbosity: number;
  private readonly stderr: Writable;
  private readonly quiet: boolean;

  constructor(options: LoggerOptions) {
    this.stderr = options.stderr;
    this.quiet = options.quiet;
    this.verbosity = options.verbosity;
    this.paint = new Chalk({ level: options.color ? 1 : 0 });
  }

  /** Always shown, even with --quiet. */
  error(message: string): void {
    this.write(`${this.paint.red('Error:')} ${message}`);
  }

  /** Always shown: warnings are about safety and must not be silenced by --quiet. */
  warn(message: string): void {
    this.write(`${this.paint.yellow('Warning:')} ${message}`);
  }

  /** Progress and notes for humans; hidden by --quiet. */
  info(message: string): void {
    if (!this.quiet) this.write(message);
  }

  /** Detail shown with -v (level 1) or -vv (level 2). */
  verbose(message: string, level = 1): void {
    if (this.verbosity >= level) this.write(this.paint.dim(message));
  }

  hint(message: string): void {
    this.write(this.paint.dim(message));
  }

  /** Set by the context while a progress line is shown: it is cleared first, so a message never joins it. */
  beforeWrite: (() => void) | undefined;

  private write(line: string): void {
    this.beforeWrite?.();
    this.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
  }
}
