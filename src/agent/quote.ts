/**
 * Quoting for the remote POSIX shell. ssh joins its arguments with spaces and hands the result to
 * the agent user's login shell, so every word we send must survive exactly one round of `sh` parsing.
 * This is the only place in the project that turns argv into a command line.
 */

/** Words made only of these characters mean the same quoted or not (no `=`: `a=b` first is an assignment). */
const SAFE_WORD = /^[A-Za-z0-9_@%+,./:-]+$/;

/** One argument, quoted for POSIX sh: inside single quotes nothing is special except `'` itself. */
export function shQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('a NUL byte cannot be passed to a remote shell');
  if (SAFE_WORD.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** A whole command line whose words the remote shell splits back into exactly `argv`. */
export function shCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty remote command');
  return argv.map(shQuote).join(' ');
}
