import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { mockCli, tempDir } from '../helpers/cli.js';
import { snapshot } from '../helpers/sandbox.js';

const WAITING = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';

/** Why a tiny tmpfs cannot be mounted here (not root, no CAP_SYS_ADMIN), or undefined when it can. */
function mountUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs';
  const probe = mkdtempSync(join(tmpdir(), 'so-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'none', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'mount -t tmpfs is not permitted here';
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** Writes zeros until the filesystem is full. */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

const unavailable = mountUnavailable();

describe.skipIf(unavailable !== undefined)(`a journal on a full disk (64 KiB tmpfs)${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  let dir: string;
  let cleanup: () => void;
  let journalDir: string;
  let mounted = false;
  const cli = mockCli(() => dir);

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    expect((await cli(['mock', 'reset'])).code).toBe(0);
    journalDir = join(dir, 'journal');
    mkdirSync(journalDir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'none', journalDir]);
    mounted = true;
  });
  afterAll(() => {
    try {
      if (mounted) execFileSync('umount', [journalDir]);
    } finally {
      cleanup();
    }
  });

  it('ENOSPC before the first step: nothing is deleted or expunged, the output says why; with space again it runs', async () => {
    fill(join(journalDir, 'filler'));
    const before = snapshot(join(dir, 'agents'));
    const r = await cli(['wipe', '--yes', WAITING]);
    expect(r.code, r.stdout + r.stderr).toBe(ExitCode.ERROR);
    expect(r.stdout).toMatch(new RegExp(`failed: cannot write the journal ${journalDir}/wipe-[0-9a-f]+\\.jsonl: ENOSPC; nothing was done for ${WAITING.replaceAll('.', '\\.')}$`, 'm'));
    expect(snapshot(join(dir, 'agents'))).toEqual(before);
    expect((await cli(['--json', 'tasks', 'list'])).stdout).toContain(WAITING);

    unlinkSync(join(journalDir, 'filler'));
    const again = await cli(['wipe', '--yes', WAITING]);
    expect(again.code, again.stdout + again.stderr).toBe(ExitCode.OK);
    expect((await cli(['--json', 'tasks', 'list'])).stdout).not.toContain(WAITING);
  }, 120_000);
});
