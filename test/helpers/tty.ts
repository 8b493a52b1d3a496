import { spawn, spawnSync } from 'node:child_process';
import { cliPath } from './cli.js';

/** util-linux `script` gives the CLI a real pseudo-terminal (stdin, stdout and stderr are the tty). */
export const ttyAvailable = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
export const TTY_SKIP_REASON = 'skipped: util-linux `script` is not installed (no pseudo-terminal to prompt on)';

/**
 * Run the built CLI on a pseudo-terminal; when its output contains `waitFor`, type `keys` (raw bytes:
 * '\x03' is Ctrl-C). Resolves with the exit code and everything the terminal showed.
 */
export function runCliOnTty(args: string[], waitFor: string, keys: string, env: Record<string, string> = {}): Promise<{ code: number | null; screen: string }> {
  const quoted = [process.execPath, cliPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', quoted, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', NO_COLOR: '1', TERM: 'xterm', STATEFUL_OPS_SSH_SUDO: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let typed = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      screen += d;
      if (!typed && screen.includes(waitFor)) {
        typed = true;
        child.stdin.write(keys);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}
