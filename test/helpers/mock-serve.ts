import { spawn } from 'node:child_process';
import { cliPath } from './cli.js';

export interface Served {
  url: string;
  /** With `--ssh`: the agents' ssh_config path, its second line. */
  sshConfig?: string;
  stdout: () => string;
  stderr: () => string;
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** `stateful-ops mock serve` as a user starts it; resolves once the URL (with `--ssh`, and the ssh_config path) is printed. */
export function serve(dir: string, args: string[] = [], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [cliPath, '--mock-dir', dir, 'mock', 'serve', ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mock serve printed no URL: ${err}`)), 15_000);
    const wanted = args.includes('--ssh') ? 2 : 1;
    child.stdout.on('data', () => {
      const lines = out.split('\n');
      if (lines.length <= wanted) return;
      clearTimeout(timer);
      resolve({
        url: (lines[0] ?? '').trim(),
        ...(wanted === 2 ? { sshConfig: (lines[1] ?? '').trim() } : {}),
        stdout: () => out,
        stderr: () => err,
        stop: (signal) => {
          child.kill(signal);
          return exited;
        },
      });
    });
    void exited.then((code) => reject(new Error(`mock serve exited with ${code}: ${err}`)));
  });
}
