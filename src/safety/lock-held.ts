/**
 * Locks this process holds now: a destructive run is under way (Ctrl-C handling depends on it). Its own
 * file, importing nothing, so the start-up path (Ctrl-C handling) does not load the lock's file code.
 */
export const heldHere = new Set<string>();

export const holdsDestructiveLock = (): boolean => heldHere.size > 0;
