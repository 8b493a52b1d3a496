/**
 * Group commit for reads: `ask(item)` runs `run([item])` at once when nothing is in flight; items asked
 * for while a run is in flight wait and go together into the next run, started as soon as that one
 * settles. So every item is served by a run that started after it was asked for (a re-check is never
 * answered by a read issued before it), and N concurrent askers cost about one run per round trip
 * instead of N. `run` answers in the order of its items; if it throws, that run's items all reject.
 */
export function batchWhileBusy<I, O>(run: (items: I[]) => Promise<O[]>): (item: I) => Promise<O> {
  let waiting: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let busy = false;
  const next = () => {
    if (busy || waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    busy = true;
    let answers: Promise<O[]>;
    try {
      answers = run(batch.map((w) => w.item));
    } catch (e) {
      answers = Promise.reject(e);
    }
    answers
      .then(
        (outs) => {
          batch.forEach((w, i) => {
            if (i < outs.length) w.resolve(outs[i] as O);
            else w.reject(new Error(`internal: a batch of ${batch.length} got ${outs.length} answers`));
          });
        },
        (e: unknown) => batch.forEach((w) => w.reject(e)),
      )
      .finally(() => {
        busy = false;
        next();
      });
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      next();
    });
}
