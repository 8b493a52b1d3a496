import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { serve, type Served } from '../helpers/mock-serve.js';
import type { RecoveryReport } from '../../src/domain/recovery/report.js';

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

describe('mock serve --ssh', () => {
  const { dir, cleanup } = tempDir('stateful-ops-mock-serve-ssh-');
  afterAll(cleanup);
  const run = (served: Served, args: string[], env: Record<string, string> = {}) =>
    runCli(['--mock', '--mock-dir', dir, ...args], {
      env: { STATEFUL_OPS_MOCK_URL: served.url, STATEFUL_OPS_MOCK_SSH_CONFIG: served.sshConfig ?? '', ...env },
    });

  it('keeps the agents answering SSH between runs, with the faults it was started with, until it stops', async () => {
    await runCli(['--mock-dir', dir, 'mock', 'reset']);
    const served = await serve(dir, ['--ssh'], { STATEFUL_OPS_MOCK_SSH_FAULTS: 'S1:connection=refused' });
    let stopped = false;
    try {
      expect(served.sshConfig).toMatch(new RegExp(`^${dir}/ssh/run-\\d+-\\w+/ssh_config$`));
      expect(served.stdout()).toBe(`${served.url}\n${served.sshConfig}\n`);
      expect(served.stderr()).toMatch(/agents answer SSH through .*ssh_config/);
      for (const attempt of [1, 2]) {
        const r = await run(served, ['-v', '--json', 'agent', 'recovery-config']);
        const report = JSON.parse(r.stdout) as RecoveryReport;
        // The run used the served agents (its own would not refuse S1), and started none of its own.
        expect(report.agents.map((a) => [a.host, a.verdict]), `run ${attempt}`).toContainEqual(['127.0.0.168', 'unreachable']);
        expect(r.stderr).toContain(`agents answer SSH through ${served.sshConfig}`);
        expect(report.summary.agents).toBe(5);
      }
      expect(await served.stop('SIGTERM')).toBe(0);
      stopped = true;
      // The agents went with it: their ssh_config is removed, and a run that names it is told so.
      expect(existsSync(served.sshConfig ?? '')).toBe(false);
      const after = await runCli(['--mock', '--mock-dir', dir, 'agent', 'recovery-config'], { env: { STATEFUL_OPS_MOCK_SSH_CONFIG: served.sshConfig ?? '' } });
      expect(after.code).toBe(ExitCode.USAGE);
      expect(after.stderr).toMatch(/STATEFUL_OPS_MOCK_SSH_CONFIG: .* does not exist/);
    } finally {
      if (!stopped) await served.stop('SIGTERM');
    }
  });

  it('a run refuses SSH faults or triggers of its own, and an ssh_config that is not the mock’s', async () => {
    const served = await serve(dir, ['--ssh']);
    try {
      const own: Record<string, string>[] = [{ STATEFUL_OPS_MOCK_SSH_FAULTS: '*:latency=5' }, { STATEFUL_OPS_MOCK_TRIGGERS: 'S0:before=1:lose-agent' }];
    for (const env of own) {
        const r = await run(served, ['agent', 'recovery-config'], env);
        expect(r.code, JSON.stringify(env)).toBe(ExitCode.USAGE);
        expect(r.stderr).toMatch(/STATEFUL_OPS_MOCK_SSH_CONFIG: the agents of a mock serve take STATEFUL_OPS_MOCK_(SSH_FAULTS|TRIGGERS) when it starts/);
      }
      const foreign = await run(served, ['agent', 'recovery-config'], { STATEFUL_OPS_MOCK_SSH_CONFIG: join(dir, 'state.json') });
      expect(foreign.code).toBe(ExitCode.USAGE);
      expect(foreign.stderr).toMatch(/is not an ssh_config of the mock cluster/);
      expect(foreign.stdout).toBe('');
      // One left behind by agents that died without cleaning up (a pid that has exited).
      const gone = spawnSync('true').pid;
      const stale = join(dir, 'ssh', `run-${gone}-test`, 'ssh_config');
      mkdirSync(dirname(stale), { recursive: true });
      writeFileSync(stale, readFileSync(served.sshConfig ?? ''));
      const old = await run(served, ['agent', 'recovery-config'], { STATEFUL_OPS_MOCK_SSH_CONFIG: stale });
      expect(old.code).toBe(ExitCode.USAGE);
      expect(old.stderr).toContain(`the mock agents that wrote ${stale} (pid ${gone}) are not running`);
    } finally {
      await served.stop('SIGTERM');
    }
  });
});
