import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mockArgs, repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { ExitCode } from '../../src/core/errors.js';

const fixture = (name: string) => join(repoRoot, 'fixtures', 'apps', name);

interface Report {
  apps: { app: string | null; file: string; path: string; againstDeployed: boolean }[];
  marathonVersion: string;
  versionSource: string;
  ruleSet: string;
  notes: string[];
  findings: { rule: string; severity: string; location: string; reason: string; remedy: string; app: string | null; file: string; path: string }[];
  failed: boolean;
}

const check = async (args: string[]) => {
  const r = await runCli(['--json', 'apps', 'check', ...args]);
  return { code: r.code, stderr: r.stderr, report: (r.stdout ? JSON.parse(r.stdout) : undefined) as Report };
};
const found = (r: Report) => r.findings.map((f) => `${f.rule}:${f.severity}`).sort();

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
    expect(text.stdout).toMatch(/^error {4}upgrade-max-over-capacity {2}\/db\/upgrade-over-capacity {2}\S*upgrade-over-capacity\.json \$\.upgradeStrategy\.maximumOverCapacity$/m);
    expect(text.stdout).toMatch(/^ +remedy: Set "maximumOverCapacity": 0\.$/m);
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
      expect(results[i]?.report).toMatchObject({ apps: [{ app: id, file: 'deployed app', path: '$' }], marathonVersion: '1.10.26', versionSource: 'marathon /v2/info', ruleSet: '1.9+', findings: [] });
    });
    const missing = await cli(['/no/such-app']);
    expect(missing.code).toBe(ExitCode.NOT_FOUND);
  });

  it('--against-deployed flags each change a stateful app cannot take, and why', async () => {
    const { code, report } = await cli(['--against-deployed', fixture('postgres-resized.json')]);
    expect(code).toBe(ExitCode.CHECK_FAILED);
    expect(report.findings.map((f) => `${f.rule} ${f.path}`)).toEqual([
      'deployed-resources $.cpus',
      'deployed-resources $.mem',
      'deployed-resources $.gpus',
      'deployed-ports $.portDefinitions',
      'deployed-volumes $.container.volumes',
    ]);
    expect(report.findings[0]?.reason).toMatch(/^cpus 0\.1 → 0\.5: the reservation is fixed/);
    expect(report.findings[4]?.reason).toMatch(/pgdata: size 512 → 1024/);
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

describe('apps check as a linter: files, directories, stdin, groups; offline by default', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);
  const badResident = { id: 'bad', cmd: 'x', container: { type: 'MESOS', volumes: [{ containerPath: 'data', mode: 'RW', persistent: { size: 0 } }] } };
  const goodResident = JSON.parse(readFileSync(fixture('postgres.json'), 'utf8')) as Record<string, unknown>;
  beforeAll(() => {
    mkdirSync(join(dir, 'groups', 'nested'), { recursive: true });
    writeFileSync(join(dir, 'groups', 'db.json'), JSON.stringify({ id: '/db', apps: [{ ...goodResident, id: 'pg' }, badResident], groups: [] }));
    writeFileSync(join(dir, 'groups', 'nested', 'web.json'), JSON.stringify({ id: '/web', groups: [{ id: 'front', apps: [{ id: 'nginx', cmd: 'x' }] }] }));
    writeFileSync(join(dir, 'groups', 'README.txt'), 'not json, not read');
    writeFileSync(join(dir, 'empty.json'), '{}');
    writeFileSync(join(dir, 'numbers.json'), '[1, 2, 3]');
    writeFileSync(join(dir, 'apps-body.json'), JSON.stringify({ apps: [goodResident, { ...badResident, id: '/other/bad' }] }));
  });
  const lint = async (args: string[], input?: string) => {
    const r = await runCli(['--json', 'apps', 'check', ...args], input === undefined ? {} : { input });
    return { code: r.code, stderr: r.stderr, report: (r.stdout ? JSON.parse(r.stdout) : undefined) as Report };
  };

  it('a group file holding a bad resident app fails, naming the file and the JSON path; its id resolved in the group', async () => {
    const file = join(dir, 'groups', 'db.json');
    const { code, report, stderr } = await lint([file]);
    expect(code, stderr).toBe(ExitCode.CHECK_FAILED);
    expect(report.apps.map((a) => `${a.app} ${a.path}`)).toEqual(['/db/pg $.apps[0]', '/db/bad $.apps[1]']);
    expect(report.findings).toEqual([
      expect.objectContaining({ rule: 'volume-size', severity: 'error', app: '/db/bad', file, path: '$.apps[1].container.volumes[0].persistent.size', location: `${file} $.apps[1].container.volumes[0].persistent.size` }),
    ]);
  });

  it('offline (no cluster, no --marathon-version): the newest rules, said on stderr', async () => {
    const r = await runCli(['apps', 'check', fixture('postgres.json')]);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    expect(r.stderr).toMatch(/^No cluster configured: applying the rules of Marathon 1\.9\+ \(the newest\); choose others with --marathon-version <version>\.$/m);
    expect(r.stdout).toMatch(/^\/postgres \(.*postgres\.json\): Marathon 1\.11 \(no cluster: the newest rules\), rules of Marathon 1\.9\+$/m);
    const older = await lint(['--marathon-version', '1.4', fixture('volume-type.json')]);
    expect(older.report).toMatchObject({ versionSource: '--marathon-version', ruleSet: '1.4' });
    expect(older.stderr).toBe('');
  });

  it('a directory is every *.json under it, recursively, in name order; several arguments add up', async () => {
    const { code, report } = await lint([join(dir, 'groups'), join(dir, 'apps-body.json'), fixture('role-star.json')]);
    expect(code).toBe(ExitCode.CHECK_FAILED);
    expect(report.apps.map((a) => `${a.file.replace(dir, '.')} ${a.path} ${a.app}`)).toEqual([
      './groups/db.json $.apps[0] /db/pg',
      './groups/db.json $.apps[1] /db/bad',
      './groups/nested/web.json $.groups[0].apps[0] /web/front/nginx',
      './apps-body.json $.apps[0] /postgres',
      './apps-body.json $.apps[1] /other/bad',
      `${fixture('role-star.json')} $ /db/role-star`,
    ]);
    expect(found(report)).toEqual(['role-star:error', 'volume-size:error', 'volume-size:error']);
  });

  it('- reads stdin: a GET /v2/apps/<id> body, or anything else as a file', async () => {
    const good = await lint(['-'], JSON.stringify({ app: goodResident }));
    expect(good.code).toBe(ExitCode.OK);
    expect(good.report.apps).toEqual([{ app: '/postgres', file: '-', path: '$.app', againstDeployed: false }]);
    const bad = await lint(['-'], JSON.stringify({ id: '/db', apps: [badResident] }));
    expect(bad.code).toBe(ExitCode.CHECK_FAILED);
    expect(bad.report.findings[0]?.location).toBe('- $.apps[0].container.volumes[0].persistent.size');
  });

  it('no app definition is a usage error (2) naming the file and why: {}, an array of numbers, invalid JSON, an empty directory', async () => {
    mkdirSync(join(dir, 'none'), { recursive: true });
    const cases: [string[], string | undefined, RegExp][] = [
      [[join(dir, 'empty.json')], undefined, /^Error: \S*empty\.json: no app definition: an object without "id" \(empty\)/],
      [[join(dir, 'numbers.json')], undefined, /^Error: \S*numbers\.json: a JSON array, not an app definition/],
      [['-'], '{"id": "/x",', /^Error: -: not valid JSON: /],
      [[join(dir, 'none')], undefined, /^Error: \S*none: no \*\.json file in this directory$/m],
      [[fixture('postgres.json'), join(dir, 'empty.json')], undefined, /empty\.json: no app definition/],
    ];
    for (const [args, input, message] of cases) {
      const r = await runCli(['apps', 'check', '--marathon-version', '1.10', ...args], input === undefined ? {} : { input });
      expect(r.code, args.join(' ')).toBe(ExitCode.USAGE);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });
});
