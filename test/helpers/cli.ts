import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cliPath = join(repoRoot, 'bin', 'stateful-ops.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
  /** Working directory of the CLI (default: the test's). */
  cwd?: string;
}

/** Run the built CLI as a subprocess, the way a user or a CI script does. No TTY, isolated HOME. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: isolatedHome,
      NO_COLOR: '1',
      // Like an operator on a real cluster (non-root SSH user): the mock, run as root, refuses otherwise.
      // Tests of that refusal pass STATEFUL_OPS_SSH_SUDO: undefined.
      STATEFUL_OPS_SSH_SUDO: '1',
    };
    for (const [k, v] of Object.entries(options.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

const isolatedHome = mkdtempSync(join(tmpdir(), 'stateful-ops-home-'));

/** A fresh mock state directory, removed by the returned cleanup. */
export function tempDir(prefix = 'stateful-ops-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** CLI args for running against the embedded mock in `dir`. */
export const mockArgs = (dir: string) => ['--mock', '--mock-dir', dir];

/**
 * The built CLI against the embedded mock, with extra environment when given. `dir` is asked at each run:
 * most files make a fresh mock directory per test.
 */
export const mockCli =
  (dir: () => string) =>
  (args: string[], env?: Record<string, string>): Promise<CliResult> =>
    runCli([...mockArgs(dir()), ...args], env ? { env } : {});

/** One line of a destructive run's journal, as the tests read it. */
export interface JournalRecord {
  item: string;
  step: string;
  status: string;
  detail?: Record<string, unknown>;
}

/** Every record of every journal the CLI wrote under state directory `dir`; none before the first run. A line that is not JSON throws. */
export function journalRecords(dir: string): JournalRecord[] {
  const journalDir = join(dir, 'journal');
  if (!existsSync(journalDir)) return [];
  return readdirSync(journalDir).flatMap((f) =>
    readFileSync(join(journalDir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as JournalRecord),
  );
}

/** A loopback port with nothing listening: bind an ephemeral port, then release it. */
export async function closedLoopbackPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
