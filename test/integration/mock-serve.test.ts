import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { serve } from '../helpers/mock-serve.js';

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

  it('--mock with STATEFUL_OPS_MOCK_URL talks to that mock serve instead of starting its own', async () => {
    const served = await serve(dir, ['--fault', 'marathon:status=503']);
    try {
      const env = { STATEFUL_OPS_MOCK_URL: served.url };
      const failing = await runCli(['--mock', '--mock-dir', dir, 'tasks', 'list'], { env });
      expect(failing.code).toBe(ExitCode.PARTIAL); // Marathon refused: only what Mesos reservations tell
      expect(failing.stderr).toMatch(/503/);
      for (const url of ['not a url', 'https://127.0.0.1:1', 'http://localhost:1']) {
        const r = await runCli(['--mock', '--mock-dir', dir, 'tasks', 'list'], { env: { STATEFUL_OPS_MOCK_URL: url } });
        expect(r.code, url).toBe(ExitCode.USAGE);
        expect(r.stderr).toMatch(/STATEFUL_OPS_MOCK_URL/);
      }
    } finally {
      await served.stop('SIGTERM');
    }
  });
});
