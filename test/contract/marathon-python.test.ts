import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { serve } from '../helpers/mock-serve.js';

/**
 * A third-party client drives `mock serve`: Debian's python3-marathon (marathon-python) builds its objects from
 * every key of every answer, so a key no Marathon version sends, a missing status code or a wrong shape fails here.
 */

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./marathon-python-client.py', import.meta.url));
const hasClient = spawnSync(PYTHON, ['-c', 'import marathon'], { stdio: 'ignore' }).status === 0;
const why = hasClient ? '' : ' (skipped: python3-marathon is not installed — apt-get install python3-marathon)';
if (!hasClient) console.warn(`marathon-python contract test skipped: ${PYTHON} cannot import marathon; apt-get install python3-marathon`);

const VERSIONS = { '1.1': '1.1.1', '1.4': '1.4.13', '1.10': '1.10.26' } as const;

describe.skipIf(!hasClient)(`marathon-python against mock serve${why}`, () => {
  const dirs: (() => void)[] = [];
  afterAll(() => dirs.forEach((cleanup) => cleanup()));

  for (const [flavour, version] of Object.entries(VERSIONS)) {
    it(`Marathon ${flavour}: get_info, create_app (resident), scale_app, list_tasks, kill_task(wipe=True), delete_app`, async () => {
      const { dir, cleanup } = tempDir('stateful-ops-marathon-python-');
      dirs.push(cleanup);
      expect((await runCli(['--mock-dir', dir, 'mock', 'reset', '--marathon-version', flavour])).code).toBe(0);
      const served = await serve(dir);
      try {
        const run = spawnSync(PYTHON, [SCRIPT, `${served.url}/service/marathon`, version], { encoding: 'utf8', timeout: 60_000 });
        expect(run.stderr.split('\n').filter((l) => /Traceback|Error:/.test(l) && !/^Got HTTP 404/.test(l))).toEqual([]);
        expect(run.status).toBe(0);
        const summary = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
        expect(summary).toMatchObject({
          info: { version, framework_id: 'd935ca7e-e29d-4503-94e7-25fe9f16847c-0001' },
          created: { id: '/contract/pg', deployments: 1 },
          scaled_up: 2,
          after_wipe: 1,
          deleted: true,
        });
        // 1.4 answers the kill with its internal instance JSON, which the client cannot decode (upstream behaviour).
        expect(summary.wiped).toBe(flavour === '1.4' ? 'undecodable-instance-json' : summary.waiting);
      } finally {
        await served.stop('SIGTERM');
      }
    });
  }
});
