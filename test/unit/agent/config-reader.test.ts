import { describe, expect, it } from 'vitest';
import { parseReadPaths } from '../../../src/agent/config-reader.js';
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
