import type { Ctx } from '../../src/context/context.js';
import type { ExitCodeValue } from '../../src/core/errors.js';
import { testIo, type TestIoOptions } from '../../src/core/io.js';
import type { GlobalOptions } from '../../src/context/context.js';
import { runCommand, type Ran } from './command.js';

/**
 * A command's run in this process against the embedded mock in `dir` (its HTTP and SSH servers on
 * loopback), as an operator on a real cluster runs it: a non-root SSH user with sudo, no terminal.
 */
export function runOnMock(
  dir: string,
  run: (ctx: Ctx) => Promise<ExitCodeValue | void>,
  o: { globals?: Partial<GlobalOptions>; io?: TestIoOptions } = {},
): Promise<Ran> {
  const io = testIo({ homedir: dir, ...o.io, env: { STATEFUL_OPS_SSH_SUDO: '1', ...o.io?.env } });
  return runCommand(run, { io, globals: { mock: true, mockDir: dir, ...o.globals } });
}
