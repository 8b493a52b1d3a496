import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTarMembers } from '../../../src/agent/tar-members.js';

describe('reading a tar archive', () => {
  const root = mkdtempSync(join(tmpdir(), 'so-tar-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const long = join(root, 'x'.repeat(120), 'y'.repeat(80));
  mkdirSync(long, { recursive: true });
  const files: [string, string][] = [
    [join(root, 'env'), 'MESOS_STRICT=false\n'],
    [join(root, 'empty'), ''],
    [join(long, 'conf'), 'z'.repeat(1_500)],
    [join(root, 'utf8'), 'café\n'],
  ];
  for (const [path, text] of files) writeFileSync(path, text);
  const tar = (...format: string[]) => execFileSync('tar', ['-c', '-f', '-', '-b', '1', ...format, '-P', '--no-recursion', '--', ...files.map(([p]) => p)]);

  it('gives every member of GNU and POSIX archives, in order, with names past 100 bytes', () => {
    for (const format of [['-H', 'gnu'], ['-H', 'ustar'], []]) {
      const members = readTarMembers(tar(...format));
      expect(members.map((m) => [m.name, m.type, m.data.toString('utf8')])).toEqual(files.map(([p, t]) => [p, '0', t]));
    }
  });

  it('refuses a cut, corrupt or empty answer instead of reading fewer files', () => {
    const archive = tar('-H', 'gnu');
    expect(() => readTarMembers(archive.subarray(0, 512 * 3 + 100))).toThrow(/ends inside/);
    expect(() => readTarMembers(archive.subarray(0, 1024 + 600))).toThrow(/ends inside/);
    expect(() => readTarMembers(Buffer.alloc(0))).toThrow(/ends inside a header at byte 0/);
    const corrupt = Buffer.from(archive);
    corrupt[20] = 0x41;
    expect(() => readTarMembers(corrupt)).toThrow(/header at byte 0 fails its checksum/);
    expect(() => readTarMembers(Buffer.from('half an archive'))).toThrow(/ends inside a header/);
  });

  it('an archive of no files has no members', () => {
    expect(readTarMembers(Buffer.alloc(1024))).toEqual([]);
  });
});
