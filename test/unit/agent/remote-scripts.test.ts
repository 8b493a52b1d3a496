import { describe, expect, it } from 'vitest';
import { parseInspect, parseTarReport } from '../../../src/agent/remote-scripts.js';

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

describe('what tar reports after archiving or restoring', () => {
  it('reads entries, file bytes, the options used and the version; a report without counts is none', () => {
    const stderr = 'tar: ./x: file changed as we read it\nentries=9\nfilebytes=12840\ntaropts=--numeric-owner --xattrs --acls\ntarversion=tar (GNU tar) 1.34\n';
    expect(parseTarReport(stderr)).toEqual({ entries: 9, fileBytes: 12840, options: ['--numeric-owner', '--xattrs', '--acls'], version: 'tar (GNU tar) 1.34' });
    expect(parseTarReport('entries=0\nfilebytes=0\ntaropts=--numeric-owner\n')).toEqual({ entries: 0, fileBytes: 0, options: ['--numeric-owner'] });
    expect(parseTarReport('entries=9\n')).toBeUndefined();
    expect(parseTarReport('tar: Cannot open: Permission denied\n')).toBeUndefined();
  });
});
