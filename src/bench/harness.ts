import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const cliPath = fileURLToPath(new URL('../../bin/stateful-ops.js', import.meta.url));

export interface Measured {
  wallMs: number;
  /** Peak resident set size in KiB (GNU time's %M), null when /usr/bin/time is not installed. */
  maxRssKb: number | null;
  code: number | null;
  stdoutBytes: number;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Run a command and measure wall time and peak RSS. With GNU time the RSS is the largest of the
 * process tree (RUSAGE_CHILDREN), which is what a shell pipeline like `curl | jq` costs at most.
 */
export function measure(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<Measured> {
  const useTime = existsSync(GNU_TIME);
  const [cmd, ...args] = useTime ? [GNU_TIME, '-f', '__RSS__%M', ...argv] : argv;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd as string, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdoutBytes = 0;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdoutBytes += d.length));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const m = /__RSS__(\d+)/.exec(stderr);
      resolve({
        wallMs,
        maxRssKb: m ? Number(m[1]) : null,
        code,
        stdoutBytes,
        stderr: stderr.replace(/__RSS__\d+\n?/, ''),
      });
    });
  });
}

/** Start `stateful-ops mock serve` on an ephemeral loopback port; resolves with its base URL. */
export function startMockServe(stateDir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, [cliPath, '--mock-dir', stateDir, 'mock', 'serve', '--port', '0', ...extraArgs], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('http://'));
      if (line) resolve(line.trim());
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('close', (code) => reject(new Error(`mock serve exited with ${code}: ${err.trim()}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('close', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const fmtMs = (ms: number) => `${ms.toFixed(0)} ms`;
export const fmtMb = (kb: number | null) => (kb === null ? 'n/a' : `${(kb / 1024).toFixed(1)} MiB`);
