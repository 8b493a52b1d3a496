import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInspect, parseTarReport, ScriptExit, scripts } from '../../../src/agent/remote-scripts.js';

describe('what the agent-side inspect script reports', () => {
  it('parses the inspect report: who looked, then per path what is blocked', () => {
    const stat = 'd 2049 100 4096 700 1700000000.0 d 2049 99 4096 755 1700000000.0 ';
    const out = `user centos 1000\n${stat}| 33320 9|  1 d 999 \nabsent\n${stat}| 10 1|  \n`;
    const [a, b, c] = parseInspect(out, 3);
    expect(a?.access).toEqual({ user: 'centos', uid: 1000, blocked: [{ kind: 'directory', ownerUid: 999, count: 1 }] });
    expect(a?.size).toEqual({ bytes: 33320, entries: 9 });
    expect(b).toEqual({ stat: null });
    expect(c?.access?.blocked).toEqual([]);
    expect(() => parseInspect(`${stat}|\n`, 1)).toThrow(/no user line/);
  });
});

describe('the inspect script, run by a real sh', () => {
  const root = mkdtempSync(join(tmpdir(), 'so-inspect-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('counts bytes as du -sb --one-file-system does (hard links once) and entries as find does', () => {
    const volume = join(root, 'pg#data#1');
    mkdirSync(join(volume, 'base', '16384'), { recursive: true });
    mkdirSync(join(volume, '.snap'));
    writeFileSync(join(volume, 'PG_VERSION'), '12\n');
    writeFileSync(join(volume, 'base', '16384', '1259'), 'y'.repeat(10_000));
    linkSync(join(volume, 'base', '16384', '1259'), join(volume, 'hard-link'));
    symlinkSync('PG_VERSION', join(volume, 'sym'));
    symlinkSync('/nowhere', join(volume, 'dangling'));
    writeFileSync(join(root, 'plain-file'), 'x');
    const r = spawnSync('sh', ['-c', scripts.inspect, 'sh', volume, root, join(root, 'plain-file'), root, join(root, 'nope'), root], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [dir, file, absent] = parseInspect(r.stdout, 3);
    const du = Number(spawnSync('du', ['-sb', '--one-file-system', volume], { encoding: 'utf8' }).stdout.split('\t')[0]);
    const entries = spawnSync('find', [volume, '-xdev', '-mindepth', '1'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;
    expect(entries).toBe(8);
    expect(dir?.size).toEqual({ bytes: du, entries });
    expect(dir?.stat).toMatchObject({ type: 'directory' });
    expect(dir?.access?.blocked).toEqual(process.getuid?.() === 0 ? [] : expect.any(Array));
    expect(file?.stat).toMatchObject({ type: 'file', size: 1 });
    expect(file?.size).toBeUndefined();
    expect(absent).toEqual({ stat: null });
  });
});

describe('what tar reports after archiving or restoring', () => {
  it('reads entries, file bytes, the options used and the version; a report without counts is none', () => {
    const stderr = 'tar: ./x: file changed as we read it\nentries=9\nfilebytes=12840\ntaropts=--numeric-owner --xattrs --acls\ntarversion=tar (GNU tar) 1.34\n';
    expect(parseTarReport(stderr)).toEqual({ entries: 9, fileBytes: 12840, options: ['--numeric-owner', '--xattrs', '--acls'], version: 'tar (GNU tar) 1.34' });
    expect(parseTarReport('entries=0\nfilebytes=0\ntaropts=--numeric-owner\n')).toEqual({ entries: 0, fileBytes: 0, options: ['--numeric-owner'] });
    expect(parseTarReport('entries=9\n')).toBeUndefined();
    expect(parseTarReport('tar: Cannot open: Permission denied\n')).toBeUndefined();
  });
});

describe('the fenced delete, run by a real sh against a proc root of our own', () => {
  const root = mkdtempSync(join(tmpdir(), 'so-fence-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const base = join(root, 'work');
  const volume = join(base, 'volumes', 'roles', 'slave_public', 'pg#data#1');
  const proc = join(root, 'proc');
  /** major:minor of a device number, as the kernel prints it in mountinfo. */
  const majorMinor = (dev: number) => {
    const big = BigInt(dev);
    return `${Number(((big >> 8n) & 0xfffn) | ((big >> 32n) & ~0xfffn))}:${Number((big & 0xffn) | ((big >> 12n) & ~0xffn))}`;
  };
  const fill = () => {
    mkdirSync(join(volume, 'base', '16384'), { recursive: true });
    writeFileSync(join(volume, 'PG_VERSION'), '12\n');
    writeFileSync(join(volume, '.hidden'), 'x');
    writeFileSync(join(volume, 'base', '16384', '1259'), 'y');
  };
  const processes = (mounts: Record<string, string>) => {
    rmSync(proc, { recursive: true, force: true });
    for (const [pid, text] of Object.entries(mounts)) {
      mkdirSync(join(proc, pid), { recursive: true });
      writeFileSync(join(proc, pid, 'mountinfo'), text);
    }
  };
  const run = (expect = '-') => {
    const r = spawnSync('sh', ['-c', scripts.fencedDeleteContents, 'sh', volume, proc, base, expect], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('deletes everything below the directory (dotfiles too), keeps it, and reports the counts', () => {
    fill();
    const mm = majorMinor(statSync(volume).dev);
    processes({ self: `22 1 ${mm} / / rw - ext4 /dev/sda1 rw\n`, 4242: `30 1 ${mm} / / rw - ext4 /dev/sda1 rw\n` });
    const r = run(`${statSync(volume).dev}:${statSync(volume).ino}`);
    expect(r).toEqual({ code: 0, stdout: '5 0 0\n', stderr: '' });
    expect(readdirSync(volume)).toEqual([]);
  });

  it('a process that has the directory mounted stops it: exit 47, the pid named, nothing deleted', () => {
    fill();
    const mm = majorMinor(statSync(volume).dev);
    processes({ self: `22 1 ${mm} / / rw - ext4 /dev/sda1 rw\n`, 4242: `31 30 ${mm} ${volume.replace(/ /g, '\\040')} /mnt/mesos/sandbox/data rw - ext4 /dev/sda1 rw\n` });
    const r = run();
    expect(r.code).toBe(ScriptExit.IN_USE);
    expect(r.stderr).toBe('mounted in the mount namespace of pid 4242 at /mnt/mesos/sandbox/data\n');
    expect(readdirSync(volume).sort()).toEqual(['.hidden', 'PG_VERSION', 'base']);
  });

  it('without its own mount table, or with no mount holding the directory, it cannot tell: exit 50, nothing deleted', () => {
    fill();
    processes({ 4242: '30 1 0:1 / / rw - ext4 /dev/sda1 rw\n' });
    expect(run().code).toBe(ScriptExit.FENCE_UNKNOWN);
    processes({ self: '22 1 0:1 / / rw - ext4 /dev/sda1 rw\n' });
    expect(run().code).toBe(ScriptExit.FENCE_UNKNOWN);
    expect(readdirSync(volume).sort()).toEqual(['.hidden', 'PG_VERSION', 'base']);
  });

  it('a directory that is not the one inspected (another inode) is refused: exit 49', () => {
    fill();
    processes({ self: `22 1 ${majorMinor(statSync(volume).dev)} / / rw - ext4 /dev/sda1 rw\n` });
    const r = run(`${statSync(volume).dev}:1`);
    expect(r.code).toBe(ScriptExit.REPLACED);
    expect(r.stderr).toMatch(/^now \d+:\d+, was \d+:1\n$/);
    expect(readdirSync(volume).length).toBe(3);
  });
});
