import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/journal/journal.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const open = (dir?: string) => {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'so-journal-'));
  if (!dir) dirs.push(d);
  return { dir: d, journal: Journal.open(d, 'test', 'k') };
};
const lines = (j: Journal) => readFileSync(j.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: string; status: string; detail?: unknown });

describe('Journal.runStep', () => {
  it('records started before the work and done with its detail; a re-opened journal skips the step', async () => {
    const { dir, journal } = open();
    let runs = 0;
    const work = async () => {
      runs++;
      expect(lines(journal).at(-1)).toMatchObject({ step: 'remove', status: 'started', detail: { path: '/x' } });
      return { removed: 3 };
    };
    expect(await journal.runStep('item', 'remove', work, { started: { path: '/x' } })).toEqual({ resumed: false, detail: { removed: 3 } });
    const again = Journal.open(dir, 'test', 'k');
    expect(await again.runStep('item', 'remove', work)).toEqual({ resumed: true, detail: { removed: 3 } });
    expect(runs).toBe(1);
  });

  it('records failed with the error and the failure detail, rethrows, and runs the step again next time', async () => {
    const { journal } = open();
    const failing = async () => {
      throw new Error('agent gone');
    };
    await expect(journal.runStep('item', 'backup', failing, { started: { file: 'f' }, failed: { file: 'f' } })).rejects.toThrow('agent gone');
    expect(lines(journal).map((l) => [l.status, l.detail])).toEqual([
      ['started', { file: 'f' }],
      ['failed', { file: 'f', error: 'agent gone' }],
    ]);
    expect(await journal.runStep('item', 'backup', async () => ({ file: 'f' }))).toEqual({ resumed: false, detail: { file: 'f' } });
  });
});
