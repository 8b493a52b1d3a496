import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseEnvironmentFile } from '../../../../src/domain/recovery/env-file.js';

const values = (text: string) => parseEnvironmentFile(text).assignments.map((a) => [a.key, a.value, a.line]);

describe('systemd EnvironmentFile parsing', () => {
  it('reads KEY=VALUE lines with the line each starts on; blank and comment lines count but set nothing', () => {
    const text = ['# generated', '', 'MESOS_STRICT=false', '; also a comment', '   MESOS_RECOVER=cleanup', 'MESOS_WORK_DIR=/var/lib/mesos/slave'].join('\n');
    expect(values(text)).toEqual([
      ['MESOS_STRICT', 'false', 3],
      ['MESOS_RECOVER', 'cleanup', 5],
      ['MESOS_WORK_DIR', '/var/lib/mesos/slave', 6],
    ]);
  });

  it('keeps a # later in the line as part of the value; drops blanks around an unquoted value', () => {
    expect(values('MESOS_STRICT=false # turned off for OPS-1\nA =  spaced out  \n')).toEqual([
      ['MESOS_STRICT', 'false # turned off for OPS-1', 1],
      ['A', 'spaced out', 2],
    ]);
  });

  it("takes '…' literally and honours only \\\" \\\\ \\` \\$ inside \"…\"", () => {
    const text = [`A='a \\n $HOME "x"'`, 'B="say \\"hi\\" \\$HOME \\\\ \\` \\n"', 'C=""'].join('\n');
    expect(values(text)).toEqual([
      ['A', 'a \\n $HOME "x"', 1],
      ['B', 'say "hi" $HOME \\ ` \\n', 2],
      ['C', '', 3],
    ]);
  });

  it('treats quotes as special only where a value starts, and joins adjacent quoted parts', () => {
    expect(values(`A=it's\nB='x'"y"z\nC= 'padded '  \n`)).toEqual([
      ['A', "it's", 1],
      ['B', 'xyz', 2],
      ['C', 'padded ', 3],
    ]);
  });

  it('joins a line ending in a backslash with the next one (unquoted and double-quoted); single quotes span lines', () => {
    const text = ['A=one\\', 'two', 'B="x\\', 'y"', "C='first", "second'", 'D=after'].join('\n');
    expect(values(text)).toEqual([
      ['A', 'onetwo', 1],
      ['B', 'xy', 3],
      ['C', 'first\nsecond', 5],
      ['D', 'after', 7],
    ]);
  });

  it('an empty value is an empty string; the last line needs no newline', () => {
    expect(values('MESOS_STRICT=\nMESOS_RECOVER=cleanup')).toEqual([
      ['MESOS_STRICT', '', 1],
      ['MESOS_RECOVER', 'cleanup', 2],
    ]);
  });

  it("reports lines systemd ignores: no '=', or an invalid name such as `export X`", () => {
    const parsed = parseEnvironmentFile('JUSTAWORD\nexport MESOS_STRICT=false\nMESOS-STRICT=false\nOK=1\n');
    expect(parsed.assignments.map((a) => a.key)).toEqual(['OK']);
    expect(parsed.ignored).toEqual([
      { line: 1, key: 'JUSTAWORD', reason: "no '=': not an assignment" },
      { line: 2, key: 'export MESOS_STRICT', reason: "'export MESOS_STRICT' is not a valid variable name" },
      { line: 3, key: 'MESOS-STRICT', reason: "'MESOS-STRICT' is not a valid variable name" },
    ]);
  });

  it('reads CRLF files like LF files', () => {
    expect(values('A=1\r\n# c\r\nB="two words"\r\n')).toEqual([
      ['A', '1', 1],
      ['B', 'two words', 3],
    ]);
  });

  it('marks the line after a comment ending in a backslash (part of the comment before systemd v254)', () => {
    const parsed = parseEnvironmentFile('# old value: \\\nMESOS_STRICT=false\n');
    expect(values('# old value: \\\nMESOS_STRICT=false\n')).toEqual([['MESOS_STRICT', 'false', 2]]);
    expect(parsed.afterCommentContinuation).toEqual([2]);
  });

  it('round-trips any value written in single quotes (no quote inside)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/), fc.string().filter((v) => !v.includes("'")), (key, value) => {
        expect(parseEnvironmentFile(`${key}='${value}'\n`).assignments).toEqual([{ key, value, line: 1 }]);
      }),
    );
  });

  it('never throws and reports lines within the file', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('A', '=', '#', ' ', '\n', '\\', "'", '"', 'x', '\r', ';') }), (text) => {
        const parsed = parseEnvironmentFile(text);
        const lines = text.split(/\r\n|\r|\n/).length;
        for (const a of [...parsed.assignments, ...parsed.ignored]) expect(a.line).toBeLessThanOrEqual(lines);
      }),
    );
  });
});
