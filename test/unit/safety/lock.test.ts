import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../../src/core/errors.js';
import { acquireLock, lockPath, redactArgv, type AcquireOptions } from '../../../src/safety/lock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const lockDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'so-lock-'));
  dirs.push(d);
  return join(d, 'locks');
};
const base = (warnings: string[] = []): AcquireOptions => ({ cluster: 'https://dcos.example', command: 'stateful-ops wipe --yes t1', warn: (m) => warnings.push(m) });
const refusal = (fn: () => unknown): CliError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('destructive-run lock', () => {
  it('holds pid, host, command, start time and cluster in a private file; release removes it', () => {
    const dir = lockDir();
    const lock = acquireLock(dir, base());
    const onDisk = JSON.parse(readFileSync(lock.path, 'utf8'));
    expect(onDisk).toMatchObject({ pid: process.pid, command: 'stateful-ops wipe --yes t1', cluster: 'https://dcos.example' });
    expect(typeof onDisk.since).toBe('string');
    expect(statSync(lock.path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    lock.release();
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('a second run on the same cluster refuses (exit 4) naming the holder; another cluster is free', () => {
    const dir = lockDir();
    const first = acquireLock(dir, base());
    const e = refusal(() => acquireLock(dir, { ...base(), command: 'stateful-ops volumes orphans --purge', pid: 999_999 }));
    expect(e.exitCode).toBe(4);
    expect(e.message).toBe(`another destructive run holds the lock on this cluster: pid ${process.pid} on ${first.holder.hostname} since ${first.holder.since} (stateful-ops wipe --yes t1)`);
    expect(e.hint).toContain(first.path);
    const other = acquireLock(dir, { ...base(), cluster: 'https://other.example' });
    other.release();
    first.release();
    acquireLock(dir, base()).release();
  });

  it('a stale lock on this host (holder gone) is taken over with a warning', () => {
    const dir = lockDir();
    acquireLock(dir, { ...base(), pid: 4_000_000, command: 'stateful-ops wipe old' }); // never released: "crashed"
    const warnings: string[] = [];
    const lock = acquireLock(dir, { ...base(warnings), isAlive: (h) => h.pid !== 4_000_000 });
    expect(warnings).toEqual([expect.stringMatching(/^took over a stale lock of pid 4000000 \(stateful-ops wipe old, since .*\): that process no longer runs$/)]);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('with the real liveness check, a pid that does not exist is stale', () => {
    const dir = lockDir();
    acquireLock(dir, { ...base(), pid: 4_000_000 });
    const warnings: string[] = [];
    acquireLock(dir, base(warnings)).release();
    expect(warnings).toHaveLength(1);
  });

  it('a lock held on another host is never taken over: the refusal says how to remove it after checking', () => {
    const dir = lockDir();
    acquireLock(dir, { ...base(), hostname: 'bastion-2', pid: 4_000_000 });
    const e = refusal(() => acquireLock(dir, { ...base(), isAlive: () => false }));
    expect(e.exitCode).toBe(4);
    expect(e.message).toContain('pid 4000000 on bastion-2');
    expect(e.hint).toBe(`It runs on another machine. Wait for it; if you have checked that no run is active on bastion-2, remove ${lockPath(dir, 'https://dcos.example')} and run again.`);
  });

  it('an unreadable lock file is a refusal, not a takeover', () => {
    const dir = lockDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(lockPath(dir, 'https://dcos.example'), 'not json');
    const e = refusal(() => acquireLock(dir, base()));
    expect(e.exitCode).toBe(4);
    expect(e.message).toMatch(/cannot be read \(not a lock written by stateful-ops\)/);
  });

  it('release leaves a lock that is no longer its own alone', () => {
    const dir = lockDir();
    const lock = acquireLock(dir, base());
    rmSync(lock.path);
    const next = acquireLock(dir, base());
    lock.release();
    expect(existsSync(next.path)).toBe(true);
    next.release();
  });

  it('the command line recorded never carries a token or a URL password', () => {
    expect(redactArgv(['--acs-token', 'SECRET', 'wipe', '--acs-token=SECRET2', '--url', 'https://u:pw@dcos.example/'])).toEqual([
      '--acs-token',
      '***',
      'wipe',
      '--acs-token=***',
      '--url',
      'https://u:***@dcos.example/',
    ]);
  });
});
