import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentAccess } from '../../../src/agent/access.js';
import { parseReadPaths, sshConfigReader } from '../../../src/agent/config-reader.js';
import type { PathContent } from '../../../src/domain/recovery/collect.js';

describe('the batched remote read', () => {
  it('decodes one record per path, in order', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const out = `V systemd 219\nF ${b64('A=1\n')}\nD ${b64('b.conf\0a.conf\0')}\nA\nE\nF \n`;
    const parsed = parseReadPaths(out, ['/f', '/d', '/a', '/e', '/empty']);
    expect(parsed.systemctlVersion).toBe('systemd 219');
    expect(parsed.contents).toEqual(
      new Map<string, PathContent>([
        ['/f', { kind: 'file', text: 'A=1\n' }],
        ['/d', { kind: 'directory', names: ['a.conf', 'b.conf'] }],
        ['/a', { kind: 'absent' }],
        ['/e', { kind: 'unreadable', reason: 'permission denied, try --sudo' }],
        ['/empty', { kind: 'file', text: '' }],
      ]),
    );
    expect(() => parseReadPaths('V \nA\n', ['/x', '/y'])).toThrow(/1 records for 2 paths/);
    expect(parseReadPaths('V \nA\n', ['/x']).systemctlVersion).toBeNull();
    expect(() => parseReadPaths('A\n', ['/x'])).toThrow(/no systemctl --version line/);
  });
});

describe('the batched remote read, run by a real sh', () => {
  const root = mkdtempSync(join(tmpdir(), 'so-read-paths-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'systemctl'), '#!/bin/sh\necho "systemd 239 (239-41.el8_3)"\necho "+PAM +AUDIT"\n', { mode: 0o755 });
  // An agent without systemd: only the tools the script needs on PATH.
  const bare = join(root, 'bare');
  mkdirSync(bare);
  for (const tool of ['base64', 'find']) symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bare, tool));
  mkdirSync(join(root, 'd.d'));
  writeFileSync(join(root, 'd.d', 'override.conf'), '[Service]\n');
  writeFileSync(join(root, 'env'), 'MESOS_STRICT=false\n');
  writeFileSync(join(root, 'empty'), '');
  writeFileSync(join(root, 'secret'), 'x', { mode: 0o000 });

  /** The script runs as it would over SSH: `sh -c SCRIPT sh <paths>`, nothing else in between. */
  const access = (path: string) =>
    ({
      settings: { sudo: false },
      shell: {
        runScript: async (_agent: unknown, script: string, args: readonly string[]) => {
          const r = spawnSync('/bin/sh', ['-c', script, 'sh', ...args], { env: { PATH: path } });
          return { exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
        },
      },
    }) as unknown as AgentAccess;

  it('answers every kind of path in one round, and the first line of systemctl --version', async () => {
    const reader = sshConfigReader(access(`${bin}:${bare}`), { host: '127.0.0.1' }, new AbortController().signal);
    const paths = ['/env', '/empty', '/d.d', '/absent', '/secret'].map((p) => join(root, p));
    const contents = await reader.read(paths);
    expect(reader.systemctlVersion()).toBe('systemd 239 (239-41.el8_3)');
    expect(contents.get(paths[0] as string)).toEqual({ kind: 'file', text: 'MESOS_STRICT=false\n' });
    expect(contents.get(paths[1] as string)).toEqual({ kind: 'file', text: '' });
    expect(contents.get(paths[2] as string)).toEqual({ kind: 'directory', names: ['override.conf'] });
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

  it('a file that fails while being read is unreadable, never a shorter file', () => {
    expect(parseReadPaths('V \nF TUVT !\n', ['/f']).contents.get('/f')).toEqual({ kind: 'unreadable', reason: 'permission denied, try --sudo' });
  });
});
