import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newCmdAppsCheck, run } from '../../../../src/commands/apps/check.js';
import { ExitCode } from '../../../../src/core/errors.js';
import { testIo } from '../../../../src/core/io.js';
import { parseCommand, runCommand } from '../../../helpers/command.js';
import { repoRoot } from '../../../helpers/cli.js';

// No cluster configured (an empty environment, no home): the check runs offline.
const fixtures = join(repoRoot, 'fixtures', 'apps');
const check = (targets: string[], options: Parameters<typeof run>[2], stdin?: string, json = false) =>
  runCommand((ctx) => run(ctx, targets, options), { io: testIo({ cwd: fixtures, ...(stdin === undefined ? {} : { stdin }) }), globals: json ? { json: true, output: 'json' } : {} });

describe('apps check: flags', () => {
  it('passes the definitions and its options to run; --fail-on defaults to error', async () => {
    const p = await parseCommand(newCmdAppsCheck, ['--marathon-version', '1.4', 'a.json', '-']);
    expect(p).toMatchObject({ exitCode: ExitCode.OK, args: [['a.json', '-'], { marathonVersion: '1.4', failOn: 'error' }] });
  });

  it('no definition named is a usage error (2)', async () => {
    const p = await parseCommand(newCmdAppsCheck, ['--against-deployed']);
    expect(p).toMatchObject({ args: undefined, exitCode: ExitCode.USAGE, stderr: expect.stringContaining("missing required argument 'app'") });
  });
});

describe('apps check: reports and exit codes', () => {
  it('a clean definition: no findings, exit 0', async () => {
    const r = await check(['postgres.json'], { marathonVersion: '1.4' });
    expect(r).toEqual({
      exitCode: ExitCode.OK,
      stdout: '/postgres (postgres.json): Marathon 1.4 (from --marathon-version), rules of Marathon 1.4\n\nNo findings.\n',
      stderr: '',
    });
  });

  it('an error finding: the finding with its remedy, exit 8', async () => {
    const r = await check(['upgrade-over-capacity.json'], { marathonVersion: '1.4' });
    expect(r.exitCode).toBe(ExitCode.CHECK_FAILED);
    expect(r.stdout).toMatch(/^error +upgrade-max-over-capacity +\/db\/upgrade-over-capacity +upgrade-over-capacity\.json \$\.upgradeStrategy\.maximumOverCapacity$/m);
    expect(r.stdout).toContain('         remedy: Set "maximumOverCapacity": 0.\n');
    expect(r.stdout.endsWith('\n1 error, 0 warnings, 0 info — fails at --fail-on error\n')).toBe(true);
  });

  it('stdin (-), without --marathon-version or cluster: the newest rules, said on stderr', async () => {
    const r = await check(['-'], {}, readFileSync(join(fixtures, 'postgres.json'), 'utf8'), true);
    expect(r.exitCode).toBe(ExitCode.OK);
    expect(JSON.parse(r.stdout)).toMatchObject({ versionSource: 'newest rules (offline)', apps: [{ app: '/postgres', file: '-' }], findings: [], failed: false });
    expect(r.stderr).toBe('No cluster configured: applying the rules of Marathon 1.9+ (the newest); choose others with --marathon-version <version>.\n');
  });

  it('a bad --fail-on or --marathon-version is a usage error (2), before any file is read', async () => {
    expect(await check(['nosuch.json'], { failOn: 'info' })).toEqual({ exitCode: ExitCode.USAGE, stdout: '', stderr: "Error: --fail-on must be warning or error, got 'info'\n" });
    const r = await check(['nosuch.json'], { marathonVersion: '0.9' });
    expect(r.exitCode).toBe(ExitCode.USAGE);
    expect(r.stderr).toMatch(/^Error: --marathon-version: '0\.9' is not a Marathon version/);
  });
});
