import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../../src/core/errors.js';
import { Journal, type JournalWriter } from '../../../src/journal/journal.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'so-journal-file-'));
  dirs.push(d);
  return d;
};
const record = (item: string, step: string, status: string) => JSON.stringify({ ts: 't', operation: 'test', item, step, status });
const enospc: JournalWriter = () => {
  throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
};

describe('Journal file handling', () => {
  it('a torn last line keeps its own line: the next record is readable and the torn text is reported', () => {
    const dir = tmp();
    const first = Journal.open(dir, 'test', 'k');
    first.record('a', 'delete', 'done');
    appendFileSync(first.path, '{"ts":"t","operation":"test","item":"b","st'); // crash mid-append
    const second = Journal.open(dir, 'test', 'k');
    expect(second.problems.unparseableLines).toEqual([{ line: 2, reason: 'not JSON (torn last line: a crash mid-write?)' }]);
    second.record('b', 'delete', 'started');
    const third = Journal.open(dir, 'test', 'k');
    expect(third.status('b', 'delete')).toBe('started');
    expect(third.isDone('a', 'delete')).toBe(true);
    expect(third.problems.unparseableLines).toEqual([{ line: 2, reason: 'not JSON' }]);
    expect(readFileSync(first.path, 'utf8').split('\n')).toHaveLength(4); // 3 lines + final newline
  });

  it('unparseable lines are reported by number and reason and never undo a done step', () => {
    const dir = tmp();
    const path = join(dir, 'test-k.jsonl');
    writeFileSync(
      path,
      [record('a', 'delete', 'started'), record('a', 'delete', 'done'), 'garbage', '[1]', '{"item":"a","step":"delete"}', JSON.stringify({ item: 'a', step: 'delete', status: 'maybe' }), ''].join('\n'),
    );
    const j = Journal.open(dir, 'test', 'k');
    expect(j.isDone('a', 'delete')).toBe(true);
    expect(j.problems.unparseableLines).toEqual([
      { line: 3, reason: 'not JSON' },
      { line: 4, reason: 'not a JSON object' },
      { line: 5, reason: 'no status' },
      { line: 6, reason: 'unknown status "maybe"' },
    ]);
  });

  it.each([
    ['a directory', (p: string) => mkdirSync(p)],
    ['a symlink', (p: string) => symlinkSync(join(tmpdir(), 'elsewhere.jsonl'), p)],
    ['a FIFO', (p: string) => execFileSync('mkfifo', [p])],
  ])('a journal path that is %s is a refusal (exit 4) and nothing is written', (what, make) => {
    const dir = tmp();
    make(join(dir, 'test-k.jsonl'));
    let error: unknown;
    try {
      Journal.open(dir, 'test', 'k');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(4);
    expect((error as CliError).message).toBe(`the journal ${join(dir, 'test-k.jsonl')} is ${what}, not a regular file: nothing was done`);
  });

  it('a journal directory that is a symlink is refused; a new one is created 0700', () => {
    const base = tmp();
    symlinkSync(tmp(), join(base, 'journal'));
    expect(() => Journal.open(join(base, 'journal'), 'test', 'k')).toThrow(/journal directory .* is a symlink/);
    Journal.open(join(base, 'fresh', 'journal'), 'test', 'k');
    expect(statSync(join(base, 'fresh', 'journal')).mode & 0o777).toBe(0o700);
  });

  it('a symlink planted after opening is not followed when appending', () => {
    const dir = tmp();
    const j = Journal.open(dir, 'test', 'k');
    const victim = join(tmp(), 'victim');
    writeFileSync(victim, 'keep\n');
    symlinkSync(victim, j.path);
    expect(() => j.record('a', 'delete', 'started')).toThrow(/is a symlink/);
    expect(readFileSync(victim, 'utf8')).toBe('keep\n');
  });
});

describe('Journal write failures', () => {
  it('started cannot be written: the work does not run and the error says nothing was done', async () => {
    const j = Journal.open(tmp(), 'test', 'k', { writer: enospc });
    let ran = false;
    await expect(
      j.runStep('task-1', 'delete', async () => {
        ran = true;
        return {};
      }),
    ).rejects.toThrow(`cannot write the journal ${j.path}: ENOSPC; nothing was done for task-1`);
    expect(ran).toBe(false);
    expect(j.status('task-1', 'delete')).toBeUndefined();
  });

  it('done cannot be written: the outcome is the work\'s, with journalError; the run still counts it as done', async () => {
    let writes = 0;
    const dir = tmp();
    const j = Journal.open(dir, 'test', 'k', {
      writer: (path, text) => {
        if (++writes > 1) enospc(path, text);
        appendFileSync(path, text);
      },
    });
    const outcome = await j.runStep('task-1', 'delete', async () => ({ removed: 9 }));
    expect(outcome).toEqual({ resumed: false, detail: { removed: 9 }, journalError: `cannot write the journal ${j.path}: ENOSPC` });
    expect(j.isDone('task-1', 'delete')).toBe(true);
    expect(j.problems.unwrittenRecords).toEqual([{ item: 'task-1', step: 'delete', status: 'done', error: 'ENOSPC' }]);
    // On disk only `started`: a re-run treats the step as not done and re-inspects.
    expect(Journal.open(dir, 'test', 'k').status('task-1', 'delete')).toBe('started');
  });

  it('failed cannot be written: the work\'s own error is what the caller sees', async () => {
    let writes = 0;
    const j = Journal.open(tmp(), 'test', 'k', {
      writer: (path, text) => {
        if (++writes > 1) enospc(path, text);
        appendFileSync(path, text);
      },
    });
    await expect(j.runStep('t', 'backup', async () => Promise.reject(new Error('agent gone')))).rejects.toThrow('agent gone');
    expect(j.problems.unwrittenRecords.map((u) => u.status)).toEqual(['failed']);
  });

  it('after a failed append the next record starts on a fresh line', () => {
    const dir = tmp();
    let fail = true;
    const j = Journal.open(dir, 'test', 'k', {
      writer: (path, text) => {
        if (fail) {
          appendFileSync(path, text.slice(0, 10)); // half a line reached the disk
          fail = false;
          throw Object.assign(new Error('EIO'), { code: 'EIO' });
        }
        appendFileSync(path, text);
      },
    });
    expect(j.record('a', 'verify', 'done')).toBe(`cannot write the journal ${j.path}: EIO`);
    j.record('b', 'verify', 'done');
    const again = Journal.open(dir, 'test', 'k');
    expect(again.isDone('b', 'verify')).toBe(true);
    expect(again.problems.unparseableLines).toEqual([{ line: 1, reason: 'not JSON' }]);
  });
});
