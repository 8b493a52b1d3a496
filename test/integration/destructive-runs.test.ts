import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { journalRecords, mockCli, tempDir } from '../helpers/cli.js';
import { spawnMockCli } from '../helpers/mock-dirs.js';
import { ExitCode } from '../../src/core/errors.js';

const WAITING = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';
const APP = '/bench/group-000/app-00000';

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Line {
  item: string;
  step: string;
  status: string;
  detail?: { error?: string };
}

describe('destructive runs against one mock: lock, journal problems, Ctrl-C twice', () => {
  let dir: string;
  let cleanup: () => void;
  const cli = mockCli(() => dir);
  const locks = () => (existsSync(join(dir, 'locks')) ? readdirSync(join(dir, 'locks')) : []);
  const journalFiles = () => (existsSync(join(dir, 'journal')) ? readdirSync(join(dir, 'journal')).map((f) => join(dir, 'journal', f)) : []);
  /** Every line of every journal parses: JSON.parse throws otherwise. */
  const journalLines = () => journalRecords(dir);

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
  });
  afterEach(() => cleanup());

  it('a second wipe (or purge) on the same cluster refuses at once with exit 4 naming the holder; --dry-run is not locked', async () => {
    expect((await cli(['mock', 'reset'])).code).toBe(0);
    // A slow agent: the first wipe holds the lock for many seconds (each SSH command waits 8 s).
    const first = spawnMockCli(dir, ['wipe', '--yes', WAITING], { STATEFUL_OPS_MOCK_SSH_FAULTS: 'S1:latency=8000' });
    await until('the first wipe to take the lock', () => locks().length === 1);

    const [second, purge, dryRun] = await Promise.all([
      cli(['wipe', '--yes', WAITING]),
      cli(['volumes', 'orphans', '--purge', '--yes']),
      cli(['wipe', '--dry-run', WAITING]),
    ]);
    expect(second.code, second.stderr).toBe(ExitCode.REFUSED);
    expect(second.stderr).toMatch(new RegExp(`^Error: another destructive run holds the lock on this cluster: pid ${first.child.pid} on \\S+ since \\S+ \\(stateful-ops --mock --mock-dir \\S+ wipe --yes ${WAITING.replaceAll('.', '\\.')}\\)$`, 'm'));
    expect(second.stdout).toBe('');
    expect(purge.code, purge.stderr).toBe(ExitCode.REFUSED);
    expect(purge.stderr).toContain(`pid ${first.child.pid}`);
    expect(dryRun.code, dryRun.stderr).toBe(ExitCode.OK);

    // Naming the first run's pid proves the refusals came while it held the lock; it then finishes.
    expect(await first.exited, first.output.stderr).toBe(ExitCode.OK);
    expect(first.output.stdout).toMatch(/ wiped$/m);
    expect(locks()).toEqual([]);
    // Both runs had SSH sessions on this mock: neither left its generated files behind.
    expect(readdirSync(join(dir, 'ssh')).filter((f) => f.startsWith('run-'))).toEqual([]);
  }, 120_000);

  it('a journal directory that is a symlink refuses with exit 4 and touches nothing', async () => {
    expect((await cli(['mock', 'reset'])).code).toBe(0);
    const elsewhere = tempDir();
    try {
      symlinkSync(elsewhere.dir, join(dir, 'journal'));
      const r = await cli(['wipe', '--yes', WAITING]);
      expect(r.code, r.stderr).toBe(ExitCode.REFUSED);
      expect(r.stderr).toContain(`Error: the journal directory ${join(dir, 'journal')} is a symlink, not a regular directory: nothing was done`);
      expect(readdirSync(elsewhere.dir)).toEqual([]);
      const listed = await cli(['--json', 'tasks', 'list']);
      expect(listed.stdout).toContain(WAITING);
      expect(locks()).toEqual([]);
    } finally {
      elsewhere.cleanup();
    }
  }, 120_000);

  it('unreadable journal lines are named on stderr and in --json journalProblems; the run that follows still resumes', async () => {
    expect((await cli(['mock', 'reset'])).code).toBe(0);
    // An earlier run deleted the data, then died mid-append of the expunge record.
    const broken = await cli(['wipe', '--yes', WAITING], { STATEFUL_OPS_MOCK_FAULTS: 'marathon:status=503,method=DELETE' });
    expect(broken.code, broken.stderr).not.toBe(ExitCode.OK);
    const [file] = journalFiles();
    appendFileSync(file as string, '{"ts":"2026-');
    const r = await cli(['--json', 'wipe', '--dry-run', WAITING]);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    const lineNo = readFileSync(file as string, 'utf8').split('\n').length;
    expect(r.stderr).toContain(`Warning: journal ${file}: line ${lineNo} cannot be read (not JSON (torn last line: a crash mid-write?)) and is ignored`);
    expect(JSON.parse(r.stdout).journalProblems).toEqual({ unparseableLines: [{ line: lineNo, reason: 'not JSON (torn last line: a crash mid-write?)' }], unwrittenRecords: [] });

    const resumed = await cli(['wipe', '--yes', WAITING]);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(ExitCode.OK);
    expect(resumed.stderr).toContain(`line ${lineNo} cannot be read`);
    // The torn text kept its own line: every record after it is readable.
    const lines = readFileSync(file as string, 'utf8').split('\n').filter(Boolean);
    expect(lines[lineNo - 1]).toBe('{"ts":"2026-');
    for (const l of lines.slice(lineNo)) expect(() => JSON.parse(l)).not.toThrow();
    expect(lines.slice(lineNo).map((l) => JSON.parse(l) as Line).some((e) => e.step === 'expunge' && e.status === 'done')).toBe(true);
  }, 120_000);

  it('Ctrl-C twice: remote commands in flight are killed, the journal stays consistent, what was done is printed, exit 130; a re-run finishes', async () => {
    expect((await cli(['mock', 'reset', '--apps', '1', '--tasks-per-app', '8', '--waiting-ratio', '1', '--agents', '2'])).code).toBe(0);
    const run = spawnMockCli(dir, ['wipe', '--app', APP, '--all-waiting', '--yes'], { STATEFUL_OPS_MOCK_SSH_FAULTS: 'S1:latency=1500' });
    const slowDeleteStarted = () => journalLines().some((e) => e.step.startsWith('delete') && e.status === 'started' && JSON.stringify(e.detail).includes('-S1"'));
    await until('a delete on the slow agent S1 to start', slowDeleteStarted);
    run.child.kill('SIGINT');
    await until('the first Ctrl-C to be seen', () => run.output.stderr.includes('interrupted: finishing the current step'));
    run.child.kill('SIGINT');
    expect(await run.exited, run.output.stdout + run.output.stderr).toBe(ExitCode.INTERRUPTED);
    expect(run.output.stderr.match(/stopping now/g)).toHaveLength(1);

    // Every journal line parses, and every started step has an end: the killed one is failed, outcome unknown.
    const lines = journalLines();
    for (const e of lines.filter((x) => x.status === 'started')) {
      expect(lines.some((x) => x.item === e.item && x.step === e.step && x.status !== 'started'), `${e.item} ${e.step}`).toBe(true);
    }
    const killed = lines.filter((e) => e.status === 'failed');
    expect(killed.length).toBeGreaterThan(0);
    for (const e of killed) expect(e.detail?.error).toMatch(/^interrupted, outcome unknown: re-run to re-inspect/);
    // The results table names what was done and what was not.
    const table = run.output.stdout.slice(run.output.stdout.indexOf('TASK   '));
    for (const e of killed) expect(table).toMatch(new RegExp(`^${e.item.replaceAll('.', '\\.')} .* failed: interrupted, outcome unknown: re-run to re-inspect`, 'm'));
    expect(table).toMatch(/interrupted: not started$/m);
    expect(locks()).toEqual([]);

    const resumed = await cli(['wipe', '--app', APP, '--all-waiting', '--yes']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(ExitCode.OK);
    expect(JSON.parse((await cli(['--json', 'tasks', 'list', '--app', APP])).stdout)).toEqual([]);
  }, 120_000);
});
