import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { serve } from '../helpers/mock-serve.js';

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
