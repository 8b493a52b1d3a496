import { describe, expect, it } from 'vitest';
import { batchWhileBusy } from '../../../src/core/batch-while-busy.js';

/** A run that records its batches and settles when the test says so. */
function controlledRun() {
  const batches: { items: number[]; settle: (fail?: Error) => void }[] = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({ items, settle: (fail) => (fail ? reject(fail) : resolve(items.map((i) => `answer ${i}`))) });
    });
  return { batches, run };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('batchWhileBusy', () => {
  it('runs a lone item at once, and batches the items asked for while a run is in flight into the next run', async () => {
    const { batches, run } = controlledRun();
    const ask = batchWhileBusy(run);
    const first = ask(1);
    expect(batches.map((b) => b.items)).toEqual([[1]]);
    const later = [ask(2), ask(3), ask(4)];
    await tick();
    expect(batches.map((b) => b.items)).toEqual([[1]]); // they wait for the run in flight
    batches[0]?.settle();
    expect(await first).toBe('answer 1');
    await tick();
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4]]);
    batches[1]?.settle();
    expect(await Promise.all(later)).toEqual(['answer 2', 'answer 3', 'answer 4']);
  });

  it('never answers an item from a run that started before it was asked for', async () => {
    const { batches, run } = controlledRun();
    const ask = batchWhileBusy(run);
    void ask(1);
    const asked = ask(2); // run [1] is in flight: 2 must not get its answer
    batches[0]?.settle();
    await tick();
    expect(batches[1]?.items).toEqual([2]);
    batches[1]?.settle();
    expect(await asked).toBe('answer 2');
  });

  it('a failed run rejects its own items only; the next batch still runs', async () => {
    const { batches, run } = controlledRun();
    const ask = batchWhileBusy(run);
    const a = ask(1);
    const b = ask(2);
    batches[0]?.settle(new Error('Marathon said 503'));
    await expect(a).rejects.toThrow('Marathon said 503');
    await tick();
    batches[1]?.settle();
    expect(await b).toBe('answer 2');
  });

  it('a run that throws at once, or answers too few items, rejects instead of hanging', async () => {
    const thrower = batchWhileBusy<number, string>(() => {
      throw new Error('bad input');
    });
    await expect(thrower(1)).rejects.toThrow('bad input');
    const short = batchWhileBusy<number, string>(async () => []);
    await expect(short(1)).rejects.toThrow(/a batch of 1 got 0 answers/);
  });
});
