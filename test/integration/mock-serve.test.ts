import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
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

describe('mock serve', () => {
  const { dir, cleanup } = tempDir('stateful-ops-mock-serve-');
  afterAll(cleanup);

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints only the URL on stdout, serves the cluster, and exits 0 on ${signal}`, async () => {
      const served = await serve(dir);
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const info = (await (await fetch(`${served.url}/service/marathon/v2/info`)).json()) as { frameworkId: string };
      expect(info.frameworkId).toBe('d935ca7e-e29d-4503-94e7-25fe9f16847c-0001');
      expect(await served.stop(signal)).toBe(0);
      expect(served.stdout()).toBe(`${served.url}\n`);
      expect(served.stderr()).toMatch(/serving .* at http:\/\/127\.0\.0\.1:\d+/);
    });
  }

  it('applies --fault and STATEFUL_OPS_MOCK_FAULTS', async () => {
    const served = await serve(dir, ['--fault', 'marathon:status=503'], { STATEFUL_OPS_MOCK_FAULTS: 'mesos:html=1' });
    try {
      expect((await fetch(`${served.url}/service/marathon/v2/apps`)).status).toBe(503);
      expect((await fetch(`${served.url}/mesos/slaves`)).headers.get('content-type')).toMatch(/text\/html/);
      expect((await fetch(`${served.url}/agent/d935ca7e-e29d-4503-94e7-25fe9f16847c-S0/flags`)).status).toBe(200);
    } finally {
      await served.stop('SIGTERM');
    }
  });

  it('refuses non-loopback hosts and bad fault specs', async () => {
    for (const args of [['--host', 'localhost'], ['--host', '::1'], ['--fault', 'nowhere:status=500'], ['--port', '70000']]) {
      const r = await runCli(['--mock-dir', dir, 'mock', 'serve', ...args]);
      expect(r.code, args.join(' ')).toBe(ExitCode.USAGE);
      expect(r.stdout).toBe('');
    }
  });
});
