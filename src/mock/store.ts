import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stateFilePath } from './paths.js';
import type { MockState } from './types.js';

/** Identifies one version of the state file; an atomic rename changes the inode, so this is never stale. */
function fileStamp(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.mtimeMs}:${s.size}`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Write to a temp file in the same directory, then rename: readers see the old or the new file, never half. */
export function writeStateFile(stateDir: string, state: MockState): void {
  const path = stateFilePath(stateDir);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  // 0600: the state holds the mock IAM's signing key.
  writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
  renameSync(tmp, path);
}

export function readStateFile(stateDir: string): MockState | undefined {
  const path = stateFilePath(stateDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const state = JSON.parse(text) as MockState;
  if (state.schema !== 1) throw new Error(`unsupported mock state schema in ${path}; run "stateful-ops mock reset"`);
  return state;
}

/**
 * The state of one mock cluster, shared through its state file by every server started on the same
 * directory (each CLI run embeds its own server): re-read when the file changed, written after each mutation.
 */
export class MockStore {
  readonly stateDir: string;
  private state: MockState | undefined;
  private stamp: string | undefined;

  constructor(stateDir: string) {
    this.stateDir = stateDir;
  }

  /** The current state, re-read from disk if another process changed it. */
  current(): MockState {
    const path = stateFilePath(this.stateDir);
    const stamp = fileStamp(path);
    // While `mock reset` swaps the file there is a moment without one: keep answering from memory.
    if (stamp === undefined && this.state !== undefined) return this.state;
    if (this.state === undefined || stamp !== this.stamp) {
      const state = readStateFile(this.stateDir);
      if (state === undefined) throw new Error(`no mock state in ${this.stateDir}; run "stateful-ops mock reset"`);
      this.state = state;
      this.stamp = stamp;
    }
    return this.state;
  }

  /**
   * Apply a change to the freshest state and persist it before anyone can observe it.
   * `changed` tells from the result whether anything changed (a 404 writes nothing).
   */
  mutate<T>(change: (state: MockState) => T, changed: (result: T) => boolean = () => true): T {
    const state = this.current();
    let result: T;
    try {
      result = change(state);
    } catch (e) {
      // The in-memory copy may be half-changed: forget it so the next read comes from disk.
      this.state = undefined;
      throw e;
    }
    if (!changed(result)) return result;
    state.revision += 1;
    this.replace(state);
    return result;
  }

  replace(state: MockState): void {
    writeStateFile(this.stateDir, state);
    this.state = state;
    this.stamp = fileStamp(stateFilePath(this.stateDir));
  }
}
