import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mockCli, tempDir } from '../helpers/cli.js';
import { ExitCode } from '../../src/core/errors.js';

const WAITING = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';
const S1 = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-S1';
const PID = 'postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d';

function duBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? statSync(p).size + duBytes(p) : st.size;
  }
  return total;
}

describe('agent access over real SSH with --mock', () => {
  const { dir, cleanup } = tempDir();
  const cli = mockCli(() => dir);
  beforeAll(async () => expect((await cli(['mock', 'reset'])).code).toBe(0));
  afterAll(cleanup);

  it('tasks show --disk-usage measures the volume in the agent sandbox through ssh', async () => {
    const r = await cli(['--json', 'tasks', 'show', '--disk-usage', WAITING]);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    const shown = JSON.parse(r.stdout) as { volumes: { sizeOnDisk: number }[] };
    const sandboxVolume = join(dir, 'agents', S1, 'root', 'var/lib/mesos/slave/volumes/roles/slave_public', PID);
    // du -sb counts the directory itself too; the files alone are a lower bound.
    expect(shown.volumes[0]?.sizeOnDisk).toBeGreaterThanOrEqual(duBytes(sandboxVolume));
  });

  it('volumes list --disk-usage: the lost agent fails alone, the others are measured, exit "partial"', async () => {
    const r = await cli(['--json', 'volumes', 'list', '--disk-usage']);
    expect(r.code).toBe(ExitCode.PARTIAL);
    const rows = JSON.parse(r.stdout) as { host: string; sizeOnDisk: number | null; notes: string[] }[];
    const lost = rows.filter((x) => x.host === '127.0.0.169');
    expect(lost).toHaveLength(1);
    expect(lost[0]?.sizeOnDisk).toBeNull();
    expect(lost[0]?.notes.join(' ')).toMatch(/cannot connect over SSH/);
    expect(rows.filter((x) => x.host !== '127.0.0.169').every((x) => (x.sizeOnDisk ?? 0) > 0)).toBe(true);
  });

  it('an SSH auth failure is one line naming the agent; the only agent asked failing so is exit 6', async () => {
    const r = await cli(['tasks', 'show', '--disk-usage', WAITING], { STATEFUL_OPS_MOCK_SSH_FAULTS: 'S1:deny-auth' });
    expect(r.code).toBe(ExitCode.AUTH);
    expect(r.stdout).toMatch(/NOTE +size on disk unknown: agent d935ca7e-e29d-4503-94e7-25fe9f16847c-S1 \(127\.0\.0\.168\): .*denied/i);
  });

  it('a bad fault spec is a usage error', async () => {
    const r = await cli(['tasks', 'show', '--disk-usage', WAITING], { STATEFUL_OPS_MOCK_SSH_FAULTS: 'S1:explode' });
    expect(r.code).toBe(ExitCode.USAGE);
    expect(r.stderr).toMatch(/^Error: STATEFUL_OPS_MOCK_SSH_FAULTS: unknown fault 'explode'/);
  });
});
