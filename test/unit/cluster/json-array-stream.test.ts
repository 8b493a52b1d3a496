import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectJsonArray, JsonStreamError } from '../../../src/cluster/json-array-stream.js';

async function* chunked(text: string, cuts: number[]): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (cut <= at || cut >= bytes.length) continue;
    yield bytes.subarray(at, cut);
    at = cut;
  }
  yield bytes.subarray(at);
}

const stateful = (t: unknown) =>
  Array.isArray((t as { localVolumes?: unknown[] }).localVolumes) && (t as { localVolumes: unknown[] }).localVolumes.length > 0 ? t : undefined;

describe('collectJsonArray', () => {
  it('returns exactly the kept elements of the named array, however the bytes are cut', async () => {
    const element = fc.record({
      id: fc.string(),
      note: fc.string({ unit: 'binary' }),
      nested: fc.array(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.constant(null)))),
      localVolumes: fc.array(fc.record({ containerPath: fc.string(), persistenceId: fc.string() }), { maxLength: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(element, { maxLength: 8 }),
        fc.string(),
        fc.array(fc.nat(4000), { maxLength: 12 }),
        async (tasks, decoy, cuts) => {
          // Decoys: a "tasks" key inside elements and a string value containing brackets before the array.
          const doc = { before: `${decoy}[{"tasks":[1]}]`, tasks: tasks.map((t) => ({ ...t, tasks: [{ x: 1 }] })), after: { tasks: [] } };
          const text = JSON.stringify(doc);
          const got = await collectJsonArray(chunked(text, cuts), 'tasks', stateful);
          expect(got).toEqual(doc.tasks.filter(stateful));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('handles escaped keys and pretty-printed input', async () => {
    const text = JSON.stringify({ 'ta\\"sks': [{ localVolumes: [1] }], tasks: [{ localVolumes: [2] }, { localVolumes: [] }] }, null, 2);
    expect(await collectJsonArray(chunked(text, [5, 17, 40]), 'tasks', stateful)).toEqual([{ localVolumes: [2] }]);
  });

  it.each([
    ['truncated', '{"tasks":[{"id":"a","localVolumes":[1]},{"id":"b"', /truncated/],
    ['truncated inside a string', '{"tasks":[{"id":"a', /truncated/],
    ['no such array', '{"apps":[]}', /no "tasks" array/],
    ['empty', '', /empty body/],
    ['garbage element', '{"tasks":[{"id":tru}]}', /invalid JSON/],
    ['unbalanced', '{"tasks":[]}}', /unbalanced/],
  ])('rejects %s', async (_name, text, message) => {
    await expect(collectJsonArray(chunked(text, [3]), 'tasks', (t) => t)).rejects.toThrow(JsonStreamError);
    await expect(collectJsonArray(chunked(text, [3]), 'tasks', (t) => t)).rejects.toThrow(message);
  });
});
