import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentAccess } from '../../../src/agent/access.js';
import { parseReadRecords, sshConfigReader } from '../../../src/agent/config-reader.js';
import type { PathContent } from '../../../src/domain/recovery/collect.js';

describe('the batched remote read', () => {
  const records = (...parts: string[]) => Buffer.from(parts.join(''), 'latin1');

  it('parses one record per path, in order; directory names are NUL-terminated', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const out = records('V systemd 219\n', 'F\n', 'Db.conf\0a\nb.conf\0\0\n', 'A\n', 'E\n', 'N\n', `F ${b64('A=1\n')}\n`, 'F \n', 'D\0\n', 'F\n');
    const parsed = parseReadRecords(out, ['/f', '/d', '/a', '/e', '/fifo', '/inline', '/empty', '/empty.d', '/g']);
    expect(parsed.systemctlVersion).toBe('systemd 219');
    expect(parsed.archived).toEqual(['/f', '/g']);
    expect(parsed.end).toBe(out.length);
    expect(parsed.contents).toEqual(
      new Map<string, PathContent>([
        ['/d', { kind: 'directory', names: ['a\nb.conf', 'b.conf'] }],
        ['/a', { kind: 'absent' }],
        ['/e', { kind: 'unreadable', reason: 'permission denied, try --sudo' }],
        ['/fifo', { kind: 'unreadable', reason: 'not a regular file' }],
        ['/inline', { kind: 'file', text: 'A=1\n' }],
        ['/empty', { kind: 'file', text: '' }],
        ['/empty.d', { kind: 'directory', names: [] }],
      ]),
    );
  });

  it('refuses an answer it cannot account for', () => {
    expect(() => parseReadRecords(records('V \nA\n'), ['/x', '/y'])).toThrow(/1 records for 2 paths/);
    expect(parseReadRecords(records('V \nA\n'), ['/x']).systemctlVersion).toBeNull();
    expect(() => parseReadRecords(records('A\n'), ['/x'])).toThrow(/no systemctl --version line/);
    expect(() => parseReadRecords(records('V \nDa.conf\0'), ['/d'])).toThrow(/listing of \/d is cut short/);
    expect(() => parseReadRecords(records('V \nDa.conf\0\0X'), ['/d'])).toThrow(/does not end its record/);
    expect(() => parseReadRecords(records('V \nQ\n'), ['/q'])).toThrow(/record "Q" for \/q/);
  });

  it('a file that fails while being read one by one is unreadable, never a shorter file', () => {
    expect(parseReadRecords(records('V \nF TUVT !\n'), ['/f']).contents.get('/f')).toEqual({ kind: 'unreadable', reason: 'permission denied, try --sudo' });
    expect(parseReadRecords(records('V \nE\n'), ['/f'], true).contents.get('/f')).toEqual({ kind: 'unreadable', reason: 'permission denied (even as root)' });
  });
});

describe('the batched remote read, run by a real sh', () => {
  const root = mkdtempSync(join(tmpdir(), 'so-read-paths-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'systemctl'), '#!/bin/sh\necho "systemd 239 (239-41.el8_3)"\necho "+PAM +AUDIT"\n', { mode: 0o755 });
  // An agent without systemd: only the tools the script needs on PATH; another without tar, one with a tar that fails.
  const toolDir = (name: string, tools: string[]) => {
    const dir = join(root, name);
    mkdirSync(dir);
    for (const tool of tools) symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(dir, tool));
    return dir;
  };
  const bare = toolDir('bare', ['tar', 'base64']);
  const noTar = toolDir('no-tar', ['base64']);
  const brokenTar = toolDir('broken-tar', ['base64']);
  writeFileSync(join(brokenTar, 'tar'), '#!/bin/sh\nprintf "half an archive"\necho "tar: env: file changed as we read it" >&2\nexit 1\n', { mode: 0o755 });
  mkdirSync(join(root, 'd.d'));
  writeFileSync(join(root, 'd.d', 'override.conf'), '[Service]\n');
  writeFileSync(join(root, 'd.d', '.hidden'), '');
  writeFileSync(join(root, 'd.d', 'new\nline.conf'), '');
  writeFileSync(join(root, 'env'), 'MESOS_STRICT=false\n');
  writeFileSync(join(root, 'empty'), '');
  writeFileSync(join(root, 'secret'), 'x', { mode: 0o000 });
  symlinkSync(join(root, 'env'), join(root, 'link'));
  linkSync(join(root, 'env'), join(root, 'hard'));
  execFileSync('mkfifo', [join(root, 'fifo')]);
  const deep = join(root, 'a-directory-name-long-enough-to-need-more-than-one-hundred-bytes-in-a-tar-header', 'and-deeper');
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'mesos-slave-common'), 'MESOS_RECOVER=reconnect\n');

  /** The script runs as it would over SSH: `sh -c SCRIPT sh <paths>`, nothing else in between. */
  let rounds = 0;
  const access = (path: string) =>
    ({
      settings: { sudo: false },
      shell: {
        runScript: async (_agent: unknown, script: string, args: readonly string[]) => {
          rounds++;
          const r = spawnSync('/bin/sh', ['-c', script, 'sh', ...args], { env: { PATH: path }, timeout: 10_000 });
          return { exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
        },
      },
    }) as unknown as AgentAccess;

  it('answers every kind of path in one round, and the first line of systemctl --version', async () => {
    const reader = sshConfigReader(access(`${bin}:${bare}`), { host: '127.0.0.1' }, new AbortController().signal);
    const paths = ['/env', '/empty', '/d.d', '/absent', '/secret'].map((p) => join(root, p));
    rounds = 0;
    const contents = await reader.read(paths);
    expect(rounds).toBe(1);
    expect(reader.systemctlVersion()).toBe('systemd 239 (239-41.el8_3)');
    expect(contents.get(paths[0] as string)).toEqual({ kind: 'file', text: 'MESOS_STRICT=false\n' });
    expect(contents.get(paths[1] as string)).toEqual({ kind: 'file', text: '' });
    expect(contents.get(paths[2] as string)).toEqual({ kind: 'directory', names: ['.hidden', 'new\nline.conf', 'override.conf'] });
    expect(contents.get(paths[3] as string)).toEqual({ kind: 'absent' });
    // Root reads a mode-000 file; anyone else is told to try --sudo.
    expect(contents.get(paths[4] as string)).toEqual(
      process.getuid?.() === 0 ? { kind: 'file', text: 'x' } : { kind: 'unreadable', reason: 'permission denied, try --sudo' },
    );
  });

  it('no systemctl on the agent: the version is unknown, the files are still read', async () => {
    const reader = sshConfigReader(access(bare), { host: '127.0.0.1' }, new AbortController().signal);
    const contents = await reader.read([join(root, 'env')]);
    expect(reader.systemctlVersion()).toBeNull();
    expect(contents.get(join(root, 'env'))).toEqual({ kind: 'file', text: 'MESOS_STRICT=false\n' });
  });

  const tricky = () => ['/link', '/hard', '/fifo', '/env'].map((p) => join(root, p)).concat(join(deep, 'mesos-slave-common'));
  const trickyAnswer = (contents: Map<string, PathContent>) =>
    expect(tricky().map((p) => contents.get(p))).toEqual([
      { kind: 'file', text: 'MESOS_STRICT=false\n' },
      { kind: 'file', text: 'MESOS_STRICT=false\n' },
      { kind: 'unreadable', reason: 'not a regular file' },
      { kind: 'file', text: 'MESOS_STRICT=false\n' },
      { kind: 'file', text: 'MESOS_RECOVER=reconnect\n' },
    ]);

  it('follows symlinks, reads hard links twice, never opens a FIFO, and keeps long paths apart', async () => {
    rounds = 0;
    trickyAnswer(await sshConfigReader(access(bare), { host: '127.0.0.1' }, new AbortController().signal).read(tricky()));
    expect(rounds).toBe(1);
  });

  it('without tar, or when tar fails, reads the files one by one in a second round', async () => {
    for (const path of [noTar, brokenTar]) {
      rounds = 0;
      trickyAnswer(await sshConfigReader(access(path), { host: '127.0.0.1' }, new AbortController().signal).read(tricky()));
      expect(rounds).toBe(2);
    }
  });

  it('when the script itself fails, the agent fails: nothing is taken for absent', async () => {
    const failing = {
      settings: { sudo: false },
      shell: { runScript: async () => ({ exitCode: 1, stdout: Buffer.from(''), stderr: 'sudo: a password is required' }) },
    } as unknown as AgentAccess;
    await expect(sshConfigReader(failing, { host: '127.0.0.1' }, new AbortController().signal).read(['/env'])).rejects.toThrow(/password is required/);
  });
});
