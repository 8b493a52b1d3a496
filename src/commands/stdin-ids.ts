import type { Io } from '../core/io.js';
import { usageError } from '../core/errors.js';

/**
 * `-` among the ids: the ids piped in on stdin (one per line, as `tasks list -q` prints them; blank
 * lines and `#` comments ignored) take its place. Stdin is then a pipe, not a terminal, so a
 * destructive command needs --yes as for any run without a terminal.
 */
export async function withIdsFromStdin(io: Io, given: string[]): Promise<string[]> {
  if (given.filter((id) => id === '-').length > 1) throw usageError("give '-' (ids from stdin) once");
  if (io.stdinIsTTY) {
    throw usageError("'-' reads task ids from stdin, but stdin is a terminal", 'Pipe them in, e.g. `stateful-ops tasks list -q | stateful-ops wipe --yes -`.');
  }
  let text = '';
  for await (const chunk of io.stdin) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  const piped = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (piped.length === 0) throw usageError("'-' was given but stdin holds no task ids", 'Nothing was changed.');
  return given.flatMap((id) => (id === '-' ? piped : [id]));
}
