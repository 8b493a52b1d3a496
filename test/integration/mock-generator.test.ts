import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, runCli, tempDir } from '../helpers/cli.js';

interface Served {
  url: string;
  stdout: () => string;
  stderr: () => string;
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** `stateful-ops mock serve` as a user starts it; resolves once the URL is printed. */
function serve(dir: string, args: string[] = [], env: Record<string, string> = {}): Promise<Served> {
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

describe('the generator at benchmark size', () => {
  const { dir, cleanup } = tempDir('stateful-ops-mock-big-');
  afterAll(cleanup);

  it('reaches 5,000 apps / 50,000 tasks (timing printed, not asserted)', async () => {
    const started = performance.now();
    const r = await runCli(['--mock-dir', dir, '--json', 'mock', 'reset', '--apps', '5000', '--tasks-per-app', '10', '--waiting-ratio', '0.3', '--lost-agents', '5']);
    const resetMs = performance.now() - started;
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { apps: number; tasks: { running: number; waiting: number; onLostAgents: number }; agents: { active: number; lost: number } };
    expect(summary.apps).toBe(5000);
    expect(summary.tasks.running + summary.tasks.waiting + summary.tasks.onLostAgents).toBe(50_000);
    expect(summary.agents).toEqual({ active: 495, lost: 5 });

    const served = await serve(dir);
    try {
      const t0 = performance.now();
      const body = (await (await fetch(`${served.url}/service/marathon/v2/tasks`)).json()) as { tasks: { id: string; host: string }[] };
      const tasksMs = performance.now() - t0;
      expect(body.tasks).toHaveLength(50_000);
      expect(new Set(body.tasks.map((t) => t.id)).size).toBe(50_000);
      expect(body.tasks.every((t) => t.host.startsWith('127.'))).toBe(true);
      console.log(`generator: mock reset 5000x10 in ${resetMs.toFixed(0)} ms (CLI wall time); GET /v2/tasks (50,000 tasks) in ${tasksMs.toFixed(0)} ms`);
    } finally {
      await served.stop('SIGTERM');
    }
  }, 60_000);
});
