import { appendFileSync, existsSync, mkdirSync, readFileSync, fsyncSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

export type StepStatus = 'started' | 'done' | 'failed' | 'skipped';

type Detail = Record<string, unknown>;

/** What runStep did. */
export interface StepOutcome {
  /** An earlier run had finished the step: nothing was run this time. */
  resumed: boolean;
  /** The detail recorded with `done` (this run's or the earlier one's). */
  detail: Detail | undefined;
}

/** One line of a journal: what happened to one item at one step. Never carries secrets. */
export interface JournalEntry {
  ts: string;
  operation: string;
  item: string;
  step: string;
  status: StepStatus;
  detail?: Record<string, unknown>;
}

/**
 * An append-only JSON-lines journal for a destructive operation. Each append is fsync'ed before the
 * next step starts, so after a crash the journal never claims less than what was done.
 * Re-running the same operation (same key) reads it back and skips finished steps.
 */
export class Journal {
  readonly path: string;
  private readonly operation: string;
  private entries: JournalEntry[];

  private constructor(path: string, operation: string, entries: JournalEntry[]) {
    this.path = path;
    this.operation = operation;
    this.entries = entries;
  }

  static open(dir: string, operation: string, key: string): Journal {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `${operation}-${key}.jsonl`);
    return new Journal(path, operation, existsSync(path) ? readEntries(path) : []);
  }

  record(item: string, step: string, status: StepStatus, detail?: Record<string, unknown>): void {
    const entry: JournalEntry = { ts: new Date().toISOString(), operation: this.operation, item, step, status };
    if (detail !== undefined) entry.detail = detail;
    const fd = openSync(this.path, 'a', 0o600);
    try {
      appendFileSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.entries.push(entry);
  }

  /** The last recorded status of a step for an item. */
  status(item: string, step: string): StepStatus | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e && e.item === item && e.step === step) return e.status;
    }
    return undefined;
  }

  isDone(item: string, step: string): boolean {
    return this.status(item, step) === 'done';
  }

  /**
   * One journaled step of `item`, the way every destructive command runs its steps: skipped when an
   * earlier run finished it, else `started` is on disk before `work` runs, then `done` with what `work`
   * returns, or `failed` with the error (plus `failed` detail), which is rethrown.
   */
  async runStep(
    item: string,
    step: string,
    work: () => Promise<Detail | undefined>,
    detail: { started?: Detail; failed?: Detail; again?: boolean } = {},
  ): Promise<StepOutcome> {
    // `again`: what the journal says is done is not what the disk shows; the disk wins.
    if (this.isDone(item, step) && !detail.again) return { resumed: true, detail: this.doneDetail(item, step) };
    this.record(item, step, 'started', detail.started);
    let done: Detail | undefined;
    try {
      done = await work();
    } catch (e) {
      this.record(item, step, 'failed', { ...detail.failed, error: e instanceof Error ? e.message : String(e) });
      throw e;
    }
    this.record(item, step, 'done', done);
    return { resumed: false, detail: done };
  }

  /** The detail of the last `done` record of a step (e.g. where a backup was written). */
  doneDetail(item: string, step: string): Record<string, unknown> | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e && e.item === item && e.step === step && e.status === 'done') return e.detail;
    }
    return undefined;
  }

  /** When the step was last recorded done (ISO time), if it was. */
  doneAt(item: string, step: string): string | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e && e.item === item && e.step === step && e.status === 'done') return e.ts;
    }
    return undefined;
  }

  all(): readonly JournalEntry[] {
    return this.entries;
  }
}

function readEntries(path: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      // A torn last line from a crash mid-append: everything before it is intact.
    }
  }
  return entries;
}

/** A stable key for "the same command again": the cluster plus the sorted item ids. */
export function journalKey(cluster: string, items: string[]): string {
  return createHash('sha256')
    .update(cluster)
    .update('\u0000')
    .update([...items].sort().join('\u0000'))
    .digest('hex')
    .slice(0, 16);
}
