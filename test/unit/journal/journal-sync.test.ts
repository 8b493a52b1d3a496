import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal, type JournalSyncer } from '../../../src/journal/journal.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'so-journal-sync-'));
  dirs.push(d);
  return d;
};
const eio = () => Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });

/** Counts fsyncs and, at each one, what the journal file held (so a test can say what each covered). */
function countingSyncer(): { syncer: JournalSyncer; count: () => number } {
  let n = 0;
  return { syncer: () => void n++, count: () => n };
}

describe('Journal durability: one fsync per step start, shared', () => {
  it('tasks that start a step together share one fsync; their done records cost none until flush', async () => {
    const { syncer, count } = countingSyncer();
    const j = Journal.open(tmp(), 'test', 'k', { syncer });
    const tasks = Array.from({ length: 20 }, (_, i) => `task-${i}`);
    await Promise.all(tasks.map((t) => j.runStep(t, 'delete', async () => ({ removed: 1 }))));
    expect(count()).toBe(1);
    await Promise.all(tasks.map((t) => j.runStep(t, 'expunge', async () => ({ status: 200 }))));
    expect(count()).toBe(2); // the deletes' done records rode along with the expunges' started
    j.flush();
    expect(count()).toBe(3);
    j.flush();
    expect(count()).toBe(3); // nothing new to make durable
    const again = Journal.open(j.path.replace(/\/[^/]+$/, ''), 'test', 'k');
    expect(tasks.every((t) => again.isDone(t, 'delete') && again.isDone(t, 'expunge'))).toBe(true);
  });

  it('the started record is durable before the work runs', async () => {
    const events: string[] = [];
    const j = Journal.open(tmp(), 'test', 'k', { syncer: () => void events.push('fsync') });
    await j.runStep('t', 'delete', async () => {
      events.push('work');
      return {};
    });
    expect(events).toEqual(['fsync', 'work']);
  });

  it('a failed fsync of a start: no work runs for any task that waited on it, each error names its task', async () => {
    let ran = 0;
    const j = Journal.open(tmp(), 'test', 'k', {
      syncer: () => {
        throw eio();
      },
    });
    const outcomes = await Promise.allSettled(
      ['a', 'b'].map((t) =>
        j.runStep(t, 'delete', async () => {
          ran++;
          return {};
        }),
      ),
    );
    expect(ran).toBe(0);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'ran'))).toEqual([
      `cannot write the journal ${j.path}: EIO; nothing was done for a`,
      `cannot write the journal ${j.path}: EIO; nothing was done for b`,
    ]);
    expect(j.status('a', 'delete')).toBeUndefined();
  });

  it('a failed fsync at the end: the done records it should have covered are reported unwritten', async () => {
    let fail = false;
    const j = Journal.open(tmp(), 'test', 'k', {
      syncer: () => {
        if (fail) throw eio();
      },
    });
    await j.runStep('a', 'delete', async () => ({}));
    fail = true;
    j.flush();
    expect(j.problems.unwrittenRecords).toEqual([{ item: 'a', step: 'delete', status: 'done', error: 'EIO' }]);
    expect(j.isDone('a', 'delete')).toBe(true); // the work did succeed
  });
});
