import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockArgs, runCli, tempDir } from '../helpers/cli.js';
import { ExitCode } from '../../src/core/errors.js';

/** Every fault the mock can inject, seen the way a user sees it: one error line, the documented exit code. */
describe('faults through the CLI', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(async () => expect((await runCli([...mockArgs(dir), 'mock', 'reset'])).code).toBe(0));
  afterAll(cleanup);

  const cases: [string, string, number, RegExp][] = [
    ['an HTML error page', 'all:html=1', ExitCode.UNREACHABLE, /Marathon answered 502/],
    ['an HTML page with 200', 'all:html=1,status=200', ExitCode.ERROR, /HTML page instead of JSON/],
    ['truncated JSON', 'all:truncate=1', ExitCode.ERROR, /JSON/],
    ['a server that never answers', 'all:hang=1', ExitCode.UNREACHABLE, /did not answer within 2s/],
    ['dropped connections', 'all:drop=1', ExitCode.UNREACHABLE, /cannot reach Marathon/],
    ['401', 'all:status=401', ExitCode.AUTH, /token expired or missing/],
    ['403', 'all:status=403', ExitCode.AUTH, /not authorized/i],
    ['503', 'all:status=503', ExitCode.UNREACHABLE, /Marathon answered 503/],
  ];
  for (const [what, fault, code, message] of cases) {
    it(`${what} → exit ${code}, one error line, no stack trace`, async () => {
      const r = await runCli([...mockArgs(dir), '--timeout', '2', 'tasks', 'list'], { env: { STATEFUL_OPS_MOCK_FAULTS: fault } });
      expect(r.code, r.stderr).toBe(code);
      expect(r.stdout).toBe('');
      expect(r.stderr.match(/^Error: /gm)).toHaveLength(1);
      expect(r.stderr.split('\n')[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('a slow body still gets through', async () => {
    const r = await runCli([...mockArgs(dir), '--json', 'tasks', 'list'], { env: { STATEFUL_OPS_MOCK_FAULTS: 'marathon:slow-body=20' } });
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    expect(JSON.parse(r.stdout)).toHaveLength(3);
  });

  it('no Marathon leader (1.10 answers 502 with an error page)', async () => {
    const { dir: noLeader, cleanup: done } = tempDir();
    try {
      expect((await runCli([...mockArgs(noLeader), 'mock', 'reset', '--no-leader'])).code).toBe(0);
      const r = await runCli([...mockArgs(noLeader), '--timeout', '3', 'tasks', 'show', 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1']);
      expect(r.code).toBe(ExitCode.UNREACHABLE);
      expect(r.stderr.split('\n')[0]).toMatch(/no Marathon leader/);
    } finally {
      done();
    }
  });
});
