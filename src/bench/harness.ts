import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

export const cliPath = fileURLToPath(new URL('../../bin/stateful-ops.js', import.meta.url));

export interface Measured {
  wallMs: number;
  /** Peak resident set size in KiB (GNU time's %M), null when /usr/bin/time is not installed. */
  maxRssKb: number | null;
  /** User + system CPU time of the process tree (GNU time), null without it. */
  cpuMs: number | null;
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
  const [cmd, ...args] = useTime ? [GNU_TIME, '-f', '__RSS__%M %U %S', ...argv] : argv;
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
      const m = /__RSS__(\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      resolve({
        wallMs,
        maxRssKb: m ? Number(m[1]) : null,
        cpuMs: m ? (Number(m[2]) + Number(m[3])) * 1000 : null,
        code,
        stdoutBytes,
        stderr: stderr.replace(/__RSS__[\d. ]+\n?/, ''),
      });
    });
  });
}

/**
 * Start `stateful-ops mock serve` on an ephemeral loopback port; `url` resolves with its base URL, and with
 * `--ssh` among `extraArgs` `sshConfig` with its agents' ssh_config (the second line it prints).
 */
export function startMockServe(stateDir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, [cliPath, '--mock-dir', stateDir, 'mock', 'serve', '--port', '0', ...extraArgs], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const printed = new Promise<string[]>((resolve, reject) => {
    const wanted = extraArgs.includes('--ssh') ? 2 : 1;
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const lines = out.split('\n');
      if (lines.length > wanted) resolve(lines.slice(0, wanted).map((l) => l.trim()));
    });
    child.on('close', (code) => reject(new Error(`mock serve exited with ${code}: ${err.trim()}`)));
  });
  const url = printed.then(([first]) => {
    if (!first?.startsWith('http://')) throw new Error(`mock serve printed '${first}', not a URL`);
    return first;
  });
  return {
    url,
    sshConfig: printed.then((lines) => lines[1] ?? ''),
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

export interface Candidate {
  name: string;
  argv: string[];
  env?: NodeJS.ProcessEnv;
}

export interface Summary {
  name: string;
  wallMs: number;
  cpuMs: number | null;
  maxRssKb: number | null;
  stdoutBytes: number;
}

/**
 * Runs the candidates in turn, `runs` rounds (after one warm-up round), so that load from other processes
 * hits them alike; medians of wall and CPU time, the largest peak RSS. A run that fails stops the benchmark.
 */
export async function interleaved(candidates: Candidate[], runs: number, warmUp = true): Promise<Map<string, Summary>> {
  const results = new Map<string, Measured[]>(candidates.map((c) => [c.name, []]));
  for (let round = warmUp ? -1 : 0; round < runs; round++) {
    for (const c of candidates) {
      const m = await measure(c.argv, c.env);
      if (m.code !== 0) throw new Error(`${c.name} exited ${m.code}: ${m.stderr.trim().slice(0, 400)}`);
      if (round >= 0) results.get(c.name)?.push(m);
    }
  }
  return new Map(
    [...results].map(([name, ms]) => {
      const cpu = ms.map((m) => m.cpuMs).filter((v): v is number => v !== null);
      const rss = ms.map((m) => m.maxRssKb).filter((v): v is number => v !== null);
      return [
        name,
        {
          name,
          wallMs: median(ms.map((m) => m.wallMs)),
          cpuMs: cpu.length > 0 ? median(cpu) : null,
          maxRssKb: rss.length > 0 ? Math.max(...rss) : null,
          stdoutBytes: ms[0]?.stdoutBytes ?? 0,
        },
      ];
    }),
  );
}

/** `1.23× ✓` against a target ratio. */
export function ratio(value: number, base: number, target?: number): string {
  const r = value / base;
  return `${r.toFixed(2)}×${target === undefined ? '' : r <= target ? ' ok' : ` MISSED (target ≤ ${target})`}`;
}

/** Prints rows as an aligned table (first row: headers). */
export function printTable(rows: string[][]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

/** A table printed row by row as results come in (long benchmarks show progress); columns are `width` wide. */
export function rowPrinter(headers: string[], width = 16): (row: string[]) => void {
  const print = (row: string[]) => console.log(row.map((cell) => cell.padEnd(Math.max(width, cell.length))).join(' ').trimEnd());
  print(headers);
  return print;
}

/** The machine's load, printed with every benchmark: figures from a busy machine are noisy. */
export function machineLoad(): string {
  const [one, five] = loadavg();
  return `load average ${one?.toFixed(2)} (1 min), ${five?.toFixed(2)} (5 min) on ${availableParallelism()} CPUs`;
}
