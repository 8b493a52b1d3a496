import { messageOf } from '../core/errors.js';
import { mapSettledLimit } from '../core/map-limit.js';

export type BatchOutcome = { status: 'ran' } | { status: 'not-started' } | { status: 'failed'; error: string };

export interface BatchOptions<P> {
  /** Items with the same key run one after another (one agent); different keys run concurrently. */
  agentOf: (item: P) => string;
  concurrency: number;
  /** Ctrl-C: the current step finishes, nothing new starts. */
  signal: AbortSignal;
  /** Stop starting new items after the first failure. */
  failFast: boolean;
  /** Called as each item ends (ran or failed), for progress output. */
  onItemDone?: (index: number) => void;
}

/**
 * How every destructive command works through its plan: agents in parallel (bounded), one agent's items
 * in order. `run` gets a `stop()` to check between its own steps; an item that throws fails alone.
 * Outcomes come back in the order of `items`.
 */
export async function runByAgent<P>(
  items: readonly P[],
  options: BatchOptions<P>,
  run: (item: P, stop: () => boolean) => Promise<void>,
): Promise<BatchOutcome[]> {
  let failed = false;
  const stop = () => options.signal.aborted || (options.failFast && failed);
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = options.agentOf(item);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const outcomes: BatchOutcome[] = items.map(() => ({ status: 'not-started' }));
  await mapSettledLimit([...groups.values()], options.concurrency, async (indexes) => {
    for (const i of indexes) {
      if (stop()) continue;
      try {
        await run(items[i] as P, stop);
        outcomes[i] = { status: 'ran' };
      } catch (e) {
        failed = true;
        outcomes[i] = { status: 'failed', error: messageOf(e) };
      }
      options.onItemDone?.(i);
    }
  });
  return outcomes;
}
