/**
 * The order of a rolling agent restart: at most `parallel` agents at once, and never two agents that
 * hold instances of the same stateful app at the same time (that app would lose both at once).
 */

export interface RollSlot {
  id: string;
  /** Stateful (resident) apps with an instance or a reservation on this agent. */
  apps: ReadonlySet<string>;
}

/** The first agent of the queue that may start now, or undefined (the slots are full, or each waits for an app). */
export function nextToRestart<T extends RollSlot>(queue: readonly T[], inFlight: readonly RollSlot[], parallel: number): T | undefined {
  if (inFlight.length >= parallel) return undefined;
  const busy = new Set(inFlight.flatMap((a) => [...a.apps]));
  return queue.find((a) => ![...a.apps].some((app) => busy.has(app)));
}
