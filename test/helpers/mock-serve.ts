import { spawn } from 'node:child_process';
import { cliPath } from './cli.js';

export interface Served {
  url: string;
  stdout: () => string;
  stderr: () => string;
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** `stateful-ops mock serve` as a user starts it; resolves once the URL is printed. */
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
    child.stdout.on('data', () => {
      const line = out.split('\n').find((l) => l.startsWith('http://'));
      if (!line) return;
      clearTimeout(timer);
      resolve({
        url: line.trim(),
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
