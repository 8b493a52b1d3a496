import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { journalRecords, mockCli, tempDir } from '../helpers/cli.js';
import { changedPaths, snapshot } from '../helpers/sandbox.js';
import { ExitCode } from '../../src/core/errors.js';
import { S } from '../helpers/mock-dirs.js';

const ROLES = 'var/lib/mesos/slave/volumes/roles/slave_public';
const MARATHON = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-0001';
const OTHER_MARATHON = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-0007';
const STRAY = 'postgres#pgdata#2b7e1f30-fd96-11e5-8e70-76a1c19f8c3d';
const STRAY_PATH = `/${ROLES}/${STRAY}`;
const MYSQL_ORPHAN = 'db_mysql#data#6a1e3b51-0a4f-11ec-9a03-0242ac130003';
const JENKINS = 'jenkins#jenkins_home#3c9d7e20-0a4f-11ec-9a03-0242ac130003';
const orphanLabel = { '1.1': 'db_mysql.6a1e3b52-0a4f-11ec-9a03-0242ac130003', '1.4': 'db_mysql.6a1e3b52-0a4f-11ec-9a03-0242ac130003', '1.10': 'db_mysql.instance-6a1e3b52-0a4f-11ec-9a03-0242ac130003' };

interface Report {
  marathon: { frameworkId: string; roles: string[] };
  data: { agentId: string; hostname: string; role: string; persistenceId: string; path: string; bytes: number; entries: number }[];
  reservations: { agentId: string; kind: string; frameworkId: string; taskLabel: string; blocked: string | null; volumes: { persistenceId: string }[]; calls: { type: string }[] }[];
  skipped: { agentId: string; path: string; reason: string }[];
  warnings: string[];
  totals: { dataDirectories: number; dataBytes: number; reservations: number; reservedCpus: number; reservedMemMb: number; reservedDiskMb: number };
}

describe('volumes orphans against the mock', () => {
  let dir: string;
  let cleanup: () => void;
  const cli = mockCli(() => dir);
  const report = async (env?: Record<string, string>) => {
    const r = await cli(['--json', 'volumes', 'orphans'], env);
    return { code: r.code, stderr: r.stderr, report: JSON.parse(r.stdout) as Report };
  };
  const agents = () => snapshot(join(dir, 'agents'));
  const agentPath = (n: number, path: string) => join(dir, 'agents', S(n), 'root', path);
  const journal = () => journalRecords(dir);
  const stepsByItem = () => {
    const items = new Map<string, string[]>();
    for (const e of journal()) items.set(e.item, [...(items.get(e.item) ?? []), `${e.step}:${e.status}`]);
    return [...items.values()];
  };
  const tasks = async () => (JSON.parse((await cli(['--json', 'tasks', 'list', '--all'])).stdout) as { task: string }[]).map((t) => t.task).sort();

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    expect((await cli(['mock', 'reset'])).code).toBe(0);
  });
  afterEach(() => cleanup());

  it('finds exactly the planted orphans: the data on S5, the forgotten mysql reservation, the other Marathon on slave_public', async () => {
    const { code, stderr, report: r } = await report();
    expect(code, stderr).toBe(ExitCode.OK);
    expect(r.warnings).toEqual([]);
    expect(r.skipped).toEqual([]);
    expect(r.marathon).toEqual({ frameworkId: MARATHON, roles: ['slave_public'] });
    expect(r.data).toEqual([
      expect.objectContaining({ agentId: S(5), hostname: '127.0.0.172', role: 'slave_public', persistenceId: STRAY, path: STRAY_PATH, entries: 9 }),
    ]);
    expect(r.data[0]?.bytes).toBeGreaterThan(0);
    expect(r.reservations.map((x) => [x.agentId, x.kind, x.frameworkId, x.taskLabel, x.volumes.map((v) => v.persistenceId), x.calls.map((c) => c.type), x.blocked])).toEqual([
      [S(0), 'other-framework', OTHER_MARATHON, 'jenkins.3c9d7e21-0a4f-11ec-9a03-0242ac130003', [JENKINS], ['DESTROY_VOLUMES', 'UNRESERVE_RESOURCES'], null],
      [S(3), 'unknown-task', MARATHON, orphanLabel['1.10'], [MYSQL_ORPHAN], ['DESTROY_VOLUMES', 'UNRESERVE_RESOURCES'], null],
    ]);
    expect(r.totals).toEqual({ dataDirectories: 1, dataBytes: r.data[0]?.bytes, reservations: 2, reservedCpus: 1.5, reservedMemMb: 3072, reservedDiskMb: 3072 });

    const text = await cli(['volumes', 'orphans']);
    expect(text.stdout).toMatch(/^ORPHAN DATA: 1 directory, \d+\.\d KiB reclaimable$/m);
    expect(text.stdout).toContain(STRAY_PATH);
    expect(text.stdout).toMatch(/^WHY +Marathon has no task 'db_mysql\.instance-6a1e3b52-0a4f-11ec-9a03-0242ac130003'$/m);
    // The human report summarises the operator calls (multi-KB JSON each); -v prints them as sent.
    expect(text.stdout).not.toContain('"type":"DESTROY_VOLUMES"');
    expect(text.stdout).toMatch(/^RELEASE +DESTROY_VOLUMES, then UNRESERVE_RESOURCES$/m);
    expect(text.stdout).toMatch(/^4 operator calls \(2 DESTROY_VOLUMES, 2 UNRESERVE_RESOURCES\) for 2 agents; --json or -v for the calls$/m);
    const verbose = await cli(['-v', 'volumes', 'orphans']);
    expect(verbose.stdout).toMatch(/^RELEASE +POST http:\/\/127\.0\.0\.1:\d+\/mesos\/api\/v1 \{"type":"DESTROY_VOLUMES","destroy_volumes":\{"agent_id":\{"value":"d935ca7e-e29d-4503-94e7-25fe9f16847c-S3"\}/m);
    expect(verbose.stdout).toMatch(/^THEN +POST http:\/\/127\.0\.0\.1:\d+\/mesos\/api\/v1 \{"type":"UNRESERVE_RESOURCES"/m);
  });

  for (const version of ['1.1', '1.4'] as const) {
    it(`Marathon ${version}: the same orphans, nothing else (labels of that version)`, async () => {
      expect((await cli(['mock', 'reset', '--marathon-version', version])).code).toBe(0);
      const { code, report: r } = await report();
      expect(code).toBe(ExitCode.OK);
      expect(r.data.map((d) => d.path)).toEqual([STRAY_PATH]);
      expect(r.reservations.map((x) => `${x.kind} ${x.taskLabel}`)).toEqual([
        'other-framework jenkins.3c9d7e21-0a4f-11ec-9a03-0242ac130003',
        `unknown-task ${orphanLabel[version]}`,
      ]);
    });
  }

  it('--purge --dry-run prints the plan and changes nothing; without --yes and a terminal it is refused', async () => {
    const before = agents();
    const dry = await cli(['volumes', 'orphans', '--purge', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(ExitCode.OK);
    expect(dry.stdout).toMatch(/^Plan: remove 1 orphaned volume directory, release 0 reservations$/m);
    expect(dry.stdout).toMatch(/^TOTAL   \d+\.\d KiB in \d+ entries to delete; 0 cpus, 0 MB mem, 0 MB disk to release$/m);
    expect(dry.stderr).not.toMatch(/ removed, .* freed, /);
    expect(dry.stdout).toContain(`DELETE  ${STRAY_PATH} (its contents, then the directory) — `);
    const refused = await cli(['volumes', 'orphans', '--purge']);
    expect(refused.code).toBe(ExitCode.REFUSED);
    expect(refused.stderr).toMatch(/^Error: refusing to delete without confirmation/m);
    expect(changedPaths(before, agents())).toEqual([]);
  });

  it('--purge --yes deletes exactly the orphaned directory; the next run finds no orphan data', async () => {
    const before = agents();
    const r = await cli(['volumes', 'orphans', '--purge', '--yes']);
    expect(r.code, r.stderr + r.stdout).toBe(ExitCode.OK);
    expect(r.stdout).toMatch(/removed, \d+\.\d KiB$/m);
    // One summary line on stderr; no progress line without a terminal.
    expect(r.stderr).toMatch(/^1 removed, \d+\.\d KiB freed, 0 released, 0 refused, 0 failed, journal \/.+\.jsonl?$/m);
    expect(r.stderr).not.toContain('removing: ');
    const stray = join(S(5), 'root', ROLES, STRAY);
    const changed = changedPaths(before, agents());
    expect(changed.length).toBe(10); // the directory and its 9 entries
    for (const p of changed) expect(p === stray || p.startsWith(`${stray}/`), `${p} changed`).toBe(true);
    expect(existsSync(agentPath(5, ROLES))).toBe(true);
    expect(journal().map((e) => `${e.item} ${e.step}:${e.status}`)).toEqual([`${S(5)}:${STRAY_PATH} remove:started`, `${S(5)}:${STRAY_PATH} remove:done`]);

    const { report: after } = await report();
    expect(after.data).toEqual([]);
    expect(after.reservations).toHaveLength(2);
  });

  it('--release-reservations --yes releases both; Mesos deletes their volumes\' data; Marathon is untouched', async () => {
    const tasksBefore = await tasks();
    const before = agents();
    const r = await cli(['volumes', 'orphans', '--release-reservations', '--yes']);
    expect(r.code, r.stderr + r.stdout).toBe(ExitCode.OK);
    expect(r.stdout.match(/ released$/gm)).toHaveLength(2);
    const changed = changedPaths(before, agents());
    const volumes = [join(S(0), 'root', ROLES, JENKINS), join(S(3), 'root', ROLES, MYSQL_ORPHAN)];
    for (const p of changed) expect(volumes.some((v) => p === v || p.startsWith(`${v}/`)), `${p} changed`).toBe(true);
    expect(volumes.every((v) => !existsSync(join(dir, 'agents', v)))).toBe(true);
    // Per reservation (the two agents run concurrently): each call, then the check that it is gone.
    expect(stepsByItem()).toEqual([
      ['destroy:started', 'destroy:done', 'unreserve:started', 'unreserve:done', 'verify:started', 'verify:done'],
      ['destroy:started', 'destroy:done', 'unreserve:started', 'unreserve:done', 'verify:started', 'verify:done'],
    ]);
    const { report: after } = await report();
    expect(after.reservations).toEqual([]);
    expect(after.data.map((d) => d.path)).toEqual([STRAY_PATH]);
    expect(await tasks()).toEqual(tasksBefore);
  });

  it('a failed operator call stops that reservation with the journal saying where; the re-run finishes it', async () => {
    const failed = await cli(['volumes', 'orphans', '--release-reservations', '--yes'], { STATEFUL_OPS_MOCK_FAULTS: 'mesos:status=409,method=POST' });
    expect(failed.code).toBe(ExitCode.ERROR);
    expect(failed.stdout).toMatch(/failed: Mesos master refused DESTROY_VOLUMES on agent d935ca7e-e29d-4503-94e7-25fe9f16847c-S\d \(409\)/);
    expect(failed.stderr).toContain('Re-run the same command to resume');
    expect(stepsByItem()).toEqual([
      ['destroy:started', 'destroy:failed'],
      ['destroy:started', 'destroy:failed'],
    ]);
    expect((await report()).report.reservations).toHaveLength(2);
    const resumed = await cli(['volumes', 'orphans', '--release-reservations', '--yes']);
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(ExitCode.OK);
    expect(resumed.stderr).toContain('Resuming an earlier run');
    expect((await report()).report.reservations).toEqual([]);
  });

  it('symlinks, files and invalid names under a roles directory are listed as not touched, and --purge leaves them', async () => {
    const outside = agentPath(5, '/srv/precious');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'keep'), 'keep\n');
    symlinkSync(outside, agentPath(5, `${ROLES}/linked`));
    writeFileSync(agentPath(5, `${ROLES}/notes.txt`), 'x\n');
    mkdirSync(agentPath(5, `${ROLES}/bad\\name`));
    const { report: r } = await report();
    expect(r.data.map((d) => d.path)).toEqual([STRAY_PATH]);
    expect(r.skipped.map((s) => [s.path, s.reason])).toEqual([
      [`/${ROLES}/bad\\name`, expect.stringMatching(/persistence id rules/)],
      [`/${ROLES}/linked`, expect.stringMatching(/symbolic link/)],
      [`/${ROLES}/notes.txt`, expect.stringMatching(/not a directory/)],
    ]);
    const before = agents();
    expect((await cli(['volumes', 'orphans', '--purge', '--yes'])).code).toBe(ExitCode.OK);
    for (const p of changedPaths(before, agents())) expect(p.includes(STRAY), p).toBe(true);
    expect(readFileSync(join(outside, 'keep'), 'utf8')).toBe('keep\n');
  });

  it('an agent that cannot be reached is named and the report says it is incomplete', async () => {
    const { code, stderr, report: r } = await report({ STATEFUL_OPS_MOCK_SSH_FAULTS: 'S5:connection=refused' });
    expect(code).toBe(ExitCode.PARTIAL);
    expect(r.data).toEqual([]);
    expect(r.warnings).toEqual([expect.stringMatching(/^agent d935ca7e-e29d-4503-94e7-25fe9f16847c-S5 \(127\.0\.0\.172\): .*its volume directories not checked$/)]);
    expect(stderr).toMatch(/^Warning: agent d935ca7e-e29d-4503-94e7-25fe9f16847c-S5/m);
    expect(r.reservations).toHaveLength(2);
  });

  it('Marathon down: nothing is judged orphaned (Marathon may still list the persistence id), the directory is listed as not judged', async () => {
    const { code, report: r } = await report({ STATEFUL_OPS_MOCK_FAULTS: 'marathon:status=503' });
    expect(code).toBe(ExitCode.PARTIAL);
    expect(r.data).toEqual([]);
    expect(r.skipped).toEqual([{ agentId: S(5), hostname: '127.0.0.172', path: STRAY_PATH, reason: expect.stringMatching(/^Marathon could not be read/) }]);
    expect(r.reservations).toEqual([]);
    expect(r.warnings).toEqual([expect.stringMatching(/^Marathon: .*orphan reservations not checked, and no volume directory is called orphaned$/)]);
  });
});
