import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { confirmDestruction, expectedConfirmation } from '../../../src/safety/confirm.js';
import { createContext, type Io } from '../../../src/context/context.js';
import { CliError, ExitCode } from '../../../src/core/errors.js';

function ttyContext(answer: string | null) {
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (b: boolean) => void };
  stdin.isTTY = true;
  stdin.setRawMode = () => undefined;
  const stderr = new PassThrough();
  let shown = '';
  stderr.on('data', (d: Buffer) => (shown += d.toString()));
  const io: Io = {
    stdout: new PassThrough(),
    stderr,
    stdin,
    stdoutIsTTY: true,
    stderrIsTTY: true,
    stdinIsTTY: true,
    env: {},
    cwd: '/',
    homedir: '/nonexistent',
  };
  const ctx = createContext(io, { json: false, quiet: false, verbose: 0, color: false, mock: false });
  if (answer !== null) setTimeout(() => stdin.write(`${answer}\n`), 50);
  return { ctx, shown: () => shown };
}

const request = { yes: false, expected: '/postgres', question: 'Delete the data of and expunge 1 task of /postgres.' };

describe('confirmDestruction', () => {
  it('--yes needs no terminal', async () => {
    const { ctx } = ttyContext(null);
    await expect(confirmDestruction({ ...ctx, io: { ...ctx.io, stdinIsTTY: false } }, { ...request, yes: true })).resolves.toBeUndefined();
  });

  it('no terminal and no --yes is a refusal', async () => {
    const { ctx } = ttyContext(null);
    const e = (await confirmDestruction({ ...ctx, io: { ...ctx.io, stdinIsTTY: false } }, request).catch((x: unknown) => x)) as CliError;
    expect(e).toBeInstanceOf(CliError);
    expect(e.exitCode).toBe(ExitCode.REFUSED);
  });

  it('on a terminal, typing the app id back confirms; the prompt goes to stderr', async () => {
    const { ctx, shown } = ttyContext('/postgres');
    await expect(confirmDestruction(ctx, request)).resolves.toBeUndefined();
    expect(shown()).toContain('Type /postgres to confirm');
  });

  it('on a terminal, anything else is declined: its own exit code, 10', async () => {
    const { ctx } = ttyContext('y');
    const e = (await confirmDestruction(ctx, request).catch((x: unknown) => x)) as CliError;
    expect(e.message).toBe("confirmation did not match '/postgres'; nothing was deleted");
    expect(e.exitCode).toBe(ExitCode.DECLINED);
  });

  it('Ctrl-C at the prompt (a raw-mode keypress) is an interruption: 130, nothing deleted', async () => {
    const { ctx } = ttyContext('\x03');
    const e = (await confirmDestruction(ctx, request).catch((x: unknown) => x)) as CliError;
    expect(e).toBeInstanceOf(CliError);
    expect(e.message).toBe('interrupted at the confirmation prompt; nothing was deleted');
    expect(e.exitCode).toBe(ExitCode.INTERRUPTED);
  });

  it('a SIGINT while the prompt waits (the run\'s signal aborts) is 130 too', async () => {
    const { ctx } = ttyContext(null);
    const interrupt = new AbortController();
    const pending = confirmDestruction({ ...ctx, signal: interrupt.signal }, request).catch((x: unknown) => x);
    interrupt.abort();
    expect(((await pending) as CliError).exitCode).toBe(ExitCode.INTERRUPTED);
  });
});

describe('expectedConfirmation: what the operator types back', () => {
  it('the name of the one thing destroyed, else the count', () => {
    expect(expectedConfirmation(1, '/postgres')).toBe('/postgres');
    expect(expectedConfirmation(3, '/postgres')).toBe('3');
    expect(expectedConfirmation(1)).toBe('1');
  });
});
