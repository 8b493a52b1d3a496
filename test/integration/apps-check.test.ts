import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mockArgs, repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { ExitCode } from '../../src/errors.js';

const fixture = (name: string) => join(repoRoot, 'fixtures', 'apps', name);

interface Report {
  app: string;
  marathonVersion: string;
  versionSource: string;
  ruleSet: string;
  notes: string[];
  findings: { id: string; severity: string; path: string; message: string; remedy: string }[];
  failed: boolean;
}

const check = async (args: string[]) => {
  const r = await runCli(['--json', 'apps', 'check', ...args]);
  return { code: r.code, stderr: r.stderr, report: (r.stdout ? JSON.parse(r.stdout) : undefined) as Report };
};
const found = (r: Report) => r.findings.map((f) => `${f.id}:${f.severity}`).sort();

// Every fixture under fixtures/apps, with exactly what each rule set finds in it (and nothing else).
const expected: Record<string, Record<'1.1.1' | '1.4.13' | '1.10.26', string[]>> = {
  'postgres.json': { '1.1.1': [], '1.4.13': [], '1.10.26': [] },
  'upgrade-over-capacity.json': {
    '1.1.1': ['upgrade-max-over-capacity:error', 'upgrade-min-health-capacity:error'],
    '1.4.13': ['upgrade-max-over-capacity:error'],
    '1.10.26': ['upgrade-max-over-capacity:error'],
  },
  'upgrade-out-of-range.json': { '1.1.1': ['upgrade-strategy-range:error'], '1.4.13': ['upgrade-strategy-range:error'], '1.10.26': ['upgrade-strategy-range:error'] },
  'upgrade-incomplete.json': { '1.1.1': [], '1.4.13': [], '1.10.26': ['upgrade-strategy-incomplete:warning'] },
  'upgrade-omitted.json': { '1.1.1': ['upgrade-default-1.1.1:error'], '1.4.13': [], '1.10.26': [] },
  'unreachable-enabled.json': { '1.1.1': [], '1.4.13': ['unreachable-strategy:error'], '1.10.26': ['unreachable-strategy:error'] },
  'role-star.json': { '1.1.1': [], '1.4.13': [], '1.10.26': ['role-star:error'] },
  'accepted-roles.json': { '1.1.1': ['accepted-resource-roles:error'], '1.4.13': ['accepted-resource-roles:error'], '1.10.26': ['accepted-resource-roles:error'] },
  'residency-without-volumes.json': { '1.1.1': ['residency-without-volumes:error'], '1.4.13': ['residency-without-volumes:error'], '1.10.26': [] },
  'volume-size.json': { '1.1.1': ['volume-size:error', 'volume-size:error'], '1.4.13': ['volume-size:error', 'volume-size:error'], '1.10.26': ['volume-size:error', 'volume-size:error'] },
  'volume-container-path.json': {
    '1.1.1': ['volume-container-path-slash:warning', 'volume-container-path:error', 'volume-container-path:error'],
    '1.4.13': ['volume-container-path-slash:error', 'volume-container-path:error', 'volume-container-path:error'],
    '1.10.26': ['volume-container-path-slash:error', 'volume-container-path:error', 'volume-container-path:error'],
  },
  'volume-duplicate.json': { '1.1.1': ['volume-duplicate-container-path:error'], '1.4.13': ['volume-duplicate-container-path:error'], '1.10.26': ['volume-duplicate-container-path:error'] },
  'volume-mode.json': { '1.1.1': ['volume-mode:error'], '1.4.13': ['volume-mode:error'], '1.10.26': ['volume-mode:error'] },
  'volume-type.json': { '1.1.1': ['volume-ignored-field:warning'], '1.4.13': ['volume-type:error'], '1.10.26': ['volume-type:error'] },
  'volume-max-size.json': { '1.1.1': ['volume-ignored-field:warning', 'volume-ignored-field:warning'], '1.4.13': ['volume-max-size:error', 'volume-max-size:error'], '1.10.26': ['volume-max-size:error', 'volume-max-size:error'] },
  'volume-constraints.json': {
    '1.1.1': ['volume-ignored-field:warning', 'volume-ignored-field:warning'],
    '1.4.13': Array(4).fill('volume-constraints:error') as string[],
    '1.10.26': Array(4).fill('volume-constraints:error') as string[],
  },
};

describe('apps check, offline with --marathon-version', () => {
  for (const [name, byVersion] of Object.entries(expected)) {
    it(`${name}: exactly the rule violations of each version`, async () => {
      const versions = Object.entries(byVersion);
      const results = await Promise.all(versions.map(([version]) => check(['--marathon-version', version, fixture(name)])));
      versions.forEach(([version, ids], i) => {
        const { code, report } = results[i] as Awaited<ReturnType<typeof check>>;
        expect(found(report), `${name} on ${version}`).toEqual([...ids].sort());
        expect(report).toMatchObject({ marathonVersion: version, versionSource: '--marathon-version' });
        expect(code).toBe(ids.some((id) => id.endsWith(':error')) ? ExitCode.CHECK_FAILED : ExitCode.OK);
      });
    });
  }

  it('--fail-on warning fails on warnings too; the text report names the rule set, the finding and the fix', async () => {
    expect((await check(['--marathon-version', '1.10', fixture('upgrade-incomplete.json')])).code).toBe(ExitCode.OK);
    expect((await check(['--marathon-version', '1.10', '--fail-on', 'warning', fixture('upgrade-incomplete.json')])).code).toBe(ExitCode.CHECK_FAILED);
    const text = await runCli(['apps', 'check', '--marathon-version', '1.2.3', fixture('upgrade-over-capacity.json')]);
    expect(text.code).toBe(ExitCode.CHECK_FAILED);
    expect(text.stdout).toMatch(/^\/db\/upgrade-over-capacity \(.*upgrade-over-capacity\.json\): Marathon 1\.2\.3 \(from --marathon-version\), rules of Marathon 1\.1–1\.2$/m);
    expect(text.stdout).toMatch(/^note: minimumHealthCapacity: .*1\.3 \(commit 546cdfea2, #4138\)/m);
    expect(text.stdout).toMatch(/^ERROR +upgrade-max-over-capacity +\/upgradeStrategy\/maximumOverCapacity$/m);
    expect(text.stdout).toMatch(/^ +fix: Set "maximumOverCapacity": 0\.$/m);
    expect(text.stdout).toMatch(/^2 errors, 0 warnings, 0 info — fails at --fail-on error$/m);
  });

  it('usage errors: no such file, unreadable JSON, unknown version, bad --fail-on', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'broken.json'), '{"id": "/x",');
      for (const args of [
        ['--marathon-version', '1.4', join(dir, 'missing.json')],
        ['--marathon-version', '1.4', join(dir, 'broken.json')],
        ['--marathon-version', '2.0', fixture('postgres.json')],
        ['--marathon-version', '1.4', '--fail-on', 'info', fixture('postgres.json')],
      ]) {
        const r = await runCli(['apps', 'check', ...args]);
        expect(r.code, args.join(' ')).toBe(ExitCode.USAGE);
        expect(r.stderr).toMatch(/^Error: /);
      }
    } finally {
      cleanup();
    }
  });
});

describe('apps check against the mock cluster', () => {
  const { dir, cleanup } = tempDir();
  const cli = async (args: string[]) => {
    const r = await runCli([...mockArgs(dir), '--json', 'apps', 'check', ...args]);
    return { code: r.code, stderr: r.stderr, report: (r.stdout ? JSON.parse(r.stdout) : undefined) as Report };
  };
  beforeAll(async () => {
    expect((await runCli([...mockArgs(dir), 'mock', 'reset'])).code).toBe(0);
  });
  afterAll(cleanup);

  it('a deployed app by id, with the rules of the version /v2/info reports: every deployed app passes', async () => {
    const ids = ['/postgres', '/db/mysql', '/kafka/broker', '/web/nginx'];
    const results = await Promise.all(ids.map((id) => cli([id])));
    ids.forEach((id, i) => {
      expect(results[i]?.code, id).toBe(ExitCode.OK);
      expect(results[i]?.report).toMatchObject({ app: id, marathonVersion: '1.10.26', versionSource: 'marathon /v2/info', ruleSet: '1.9+', findings: [] });
    });
    const missing = await cli(['/no/such-app']);
    expect(missing.code).toBe(ExitCode.NOT_FOUND);
  });

  it('--against-deployed flags each change a stateful app cannot take, and why', async () => {
    const { code, report } = await cli(['--against-deployed', fixture('postgres-resized.json')]);
    expect(code).toBe(ExitCode.CHECK_FAILED);
    expect(report.findings.map((f) => `${f.id} ${f.path}`)).toEqual([
      'deployed-resources /cpus',
      'deployed-resources /mem',
      'deployed-resources /gpus',
      'deployed-ports /portDefinitions',
      'deployed-volumes /container/volumes',
    ]);
    expect(report.findings[0]?.message).toMatch(/^cpus 0\.1 → 0\.5: the reservation is fixed/);
    expect(report.findings[4]?.message).toMatch(/pgdata: size 512 → 1024/);
    for (const f of report.findings) expect(f.remedy).toMatch(/new app/);
    const same = await cli(['--against-deployed', fixture('postgres.json')]);
    expect(same.code).toBe(ExitCode.OK);
    expect(same.report.findings).toEqual([]);
    const fresh = await cli(['--against-deployed', fixture('role-star.json')]);
    expect(found(fresh.report)).toEqual(['deployed-absent:info', 'role-star:error']);
  });

  it('the rules of older Marathons come from /v2/info too', async () => {
    const { dir: old, cleanup: done } = tempDir();
    try {
      expect((await runCli([...mockArgs(old), 'mock', 'reset', '--marathon-version', '1.1'])).code).toBe(0);
      const r = await runCli([...mockArgs(old), '--json', 'apps', 'check', fixture('upgrade-over-capacity.json')]);
      const report = JSON.parse(r.stdout) as Report;
      expect(report).toMatchObject({ marathonVersion: '1.1.1', ruleSet: '1.1–1.2' });
      expect(found(report)).toEqual(['upgrade-max-over-capacity:error', 'upgrade-min-health-capacity:error']);
      const deployed = await runCli([...mockArgs(old), '--json', 'apps', 'check', '/postgres']);
      expect(deployed.code).toBe(ExitCode.OK);
    } finally {
      done();
    }
  });

  it('--against-deployed needs a file', async () => {
    const r = await runCli([...mockArgs(dir), 'apps', 'check', '--against-deployed', '/postgres']);
    expect(r.code).toBe(ExitCode.USAGE);
  });
});
