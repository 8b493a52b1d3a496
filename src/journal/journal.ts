import { open } from 'node:fs/promises';
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readSync, writeSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { CliError, messageOf } from '../core/errors.js';

export type StepStatus = 'started' | 'done' | 'failed' | 'skipped';

type Detail = Record<string, unknown>;

/** What runStep did. */
export interface StepOutcome {
  /** An earlier run had finished the step: nothing was run this time. */
  resumed: boolean;
  /** The detail recorded with `done` (this run's or the earlier one's). */
  detail: Detail | undefined;
  /** The work ran and succeeded, but its `done` record could not be written (e.g. ENOSPC). */
  journalError?: string;
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

/** What is wrong with a journal: lines that could not be read back, records that could not be written. */
export interface JournalProblems {
  /** 1-based line numbers of the journal file that are not journal records, and why. */
  unparseableLines: { line: number; reason: string }[];
  /** Records of this run that are not on disk (the step itself ran or was refused as said). */
  unwrittenRecords: { item: string; step: string; status: StepStatus; error: string }[];
}

/** Appends one line to the journal file (not yet durable); throws on any failure (ENOSPC, EIO). */
export type JournalWriter = (path: string, text: string) => void;
/** Makes everything appended so far durable (fsync); throws on any failure. */
export type JournalSyncer = (path: string) => void;

export interface JournalOpenOptions {
  /** Tests inject failures here; the default appends with O_NOFOLLOW. */
  writer?: JournalWriter;
  /** Tests count or fail fsyncs here; the default fsyncs the journal file. */
  syncer?: JournalSyncer;
}

const STATUSES: ReadonlySet<string> = new Set(['started', 'done', 'failed', 'skipped']);

/**
 * An append-only JSON-lines journal for a destructive operation. Every record is appended at once (a
 * killed process loses none); a `started` record is made durable (fsync) before its work runs, and that
 * fsync also covers every record appended before it: the `done` of earlier steps rides along, and the
 * `started` records of tasks that begin a step at the same moment share one fsync (group commit). So
 * after a machine crash the journal never claims less than was started; a `done` lost with the crash
 * makes a re-run re-inspect that step, which every destructive step does against the disk anyway.
 * flush() makes the tail durable when the run ends.
 * Re-running the same operation (same key) reads it back and skips finished steps.
 *
 * Lines that cannot be read back (a torn write, an edit by hand) are reported in `problems`, and are
 * otherwise ignored: such a line cannot be attributed to an item and step, so it can neither add nor
 * remove a `done`. The last readable record of a step decides, so an unreadable line never makes a step
 * that the rest of the journal says is done run again; a step whose only record is unreadable counts as
 * not done, and every destructive step re-checks the disk right before it acts.
 */
export class Journal {
  readonly path: string;
  readonly problems: JournalProblems;
  private readonly operation: string;
  private readonly entries: JournalEntry[];
  private readonly writer: JournalWriter;
  private readonly syncer: JournalSyncer;
  /** The group commit's fsync: off the main thread, so other tasks' work goes on while the disk syncs. */
  private readonly syncerInBackground: (path: string) => Promise<void>;
  /** The file ends without a newline (a torn last line): one is written before the next record. */
  private tornTail: boolean;
  /** Appended records not yet covered by an fsync (reported as unwritten if the fsync fails). */
  private unsynced: { item: string; step: string; status: StepStatus }[] = [];
  /** The fsync every `started` record of this moment waits for. */
  private pendingSync: Promise<void> | undefined;

  private constructor(path: string, operation: string, read: ReadJournal, options: JournalOpenOptions) {
    this.path = path;
    this.operation = operation;
    this.entries = read.entries;
    this.problems = { unparseableLines: read.problems, unwrittenRecords: [] };
    this.tornTail = read.tornTail;
    this.writer = options.writer ?? appendNoFollow;
    const { syncer } = options;
    this.syncer = syncer ?? fsyncNoFollow;
    this.syncerInBackground = syncer ? async (path) => syncer(path) : fsyncNoFollowInBackground;
  }

  /**
   * Opens (and reads back) `<dir>/<operation>-<key>.jsonl`. The directory is created 0700; a journal
   * path or directory that is a symlink, a directory or any other non-regular file is a refusal
   * (CliError 'refused'): nothing was done.
   */
  static open(dir: string, operation: string, key: string, options: JournalOpenOptions = {}): Journal {
    ensurePrivateDir(dir);
    const path = join(dir, `${operation}-${key}.jsonl`);
    return new Journal(path, operation, readJournal(path), options);
  }

  /**
   * Appends a record. A `started` record is durable when this returns and one that cannot be written
   * throws (the caller must not act); any other status is what already happened: a write failure is
   * kept in `problems.unwrittenRecords` and returned as a message, and the record still counts for the
   * rest of this run.
   */
  record(item: string, step: string, status: StepStatus, detail?: Record<string, unknown>): string | undefined {
    const error = this.append(item, step, status, detail);
    if (status === 'started') {
      try {
        this.syncNow();
      } catch (e) {
        throw new CliError('error', `cannot write the journal ${this.path}: ${errorCode(e)}; nothing was done for ${item}`, { cause: e });
      }
    }
    return error;
  }

  /** Makes every record appended so far durable; a failure is reported in `problems.unwrittenRecords`. */
  flush(): void {
    try {
      this.syncNow();
    } catch {
      // syncNow() moved the records it could not make durable into problems.unwrittenRecords.
    }
  }

  private append(item: string, step: string, status: StepStatus, detail?: Record<string, unknown>): string | undefined {
    const entry: JournalEntry = { ts: new Date().toISOString(), operation: this.operation, item, step, status };
    if (detail !== undefined) entry.detail = detail;
    try {
      // The torn text stays a line of its own (reported as unparseable) instead of swallowing this record.
      this.writer(this.path, `${this.tornTail ? '\n' : ''}${JSON.stringify(entry)}\n`);
      this.tornTail = false;
    } catch (e) {
      // Part of the line may have reached the disk: the next record starts on a line of its own.
      this.tornTail = true;
      if (e instanceof CliError && status === 'started') throw e;
      const error = `cannot write the journal ${this.path}: ${errorCode(e)}`;
      if (status === 'started') throw new CliError('error', `${error}; nothing was done for ${item}`, { cause: e });
      this.problems.unwrittenRecords.push({ item, step, status, error: errorCode(e) });
      this.entries.push(entry);
      return error;
    }
    this.entries.push(entry);
    this.unsynced.push({ item, step, status });
    return undefined;
  }

  /**
   * fsync now. On failure the records it should have covered count as unwritten, and when one of them
   * is a `started` the error is rethrown: its work must not run.
   */
  private syncNow(): void {
    const covered = this.takeUnsynced();
    if (covered.length === 0) return;
    try {
      this.syncer(this.path);
    } catch (e) {
      this.syncFailed(covered, e);
    }
  }

  private takeUnsynced(): { item: string; step: string; status: StepStatus }[] {
    const covered = this.unsynced;
    this.unsynced = [];
    return covered;
  }

  private syncFailed(covered: readonly { item: string; step: string; status: StepStatus }[], e: unknown): void {
    const started = covered.filter((r) => r.status === 'started');
    for (const r of covered) if (r.status !== 'started') this.problems.unwrittenRecords.push({ ...r, error: errorCode(e) });
    // A started record that may not be on disk: the run must not act on it (and a re-run sees no done).
    for (const r of started) this.forget(r.item, r.step);
    if (started.length > 0) throw e;
  }

  /**
   * One fsync for every `started` record appended in this turn of the event loop. What it covers is taken
   * when it starts: a record appended while it runs waits for the next one.
   */
  private syncSoon(): Promise<void> {
    this.pendingSync ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      this.pendingSync = undefined;
      const covered = this.takeUnsynced();
      if (covered.length === 0) return;
      try {
        await this.syncerInBackground(this.path);
      } catch (e) {
        this.syncFailed(covered, e);
      }
    });
    return this.pendingSync;
  }

  private forget(item: string, step: string): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e && e.item === item && e.step === step && e.status === 'started') {
        this.entries.splice(i, 1);
        return;
      }
    }
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
   * earlier run finished it, else `started` is on disk before `work` runs (if it cannot be written,
   * `work` does not run and this throws), then `done` with what `work` returns, or `failed` with the
   * error (plus `failed` detail), which is rethrown. Work that succeeded is never reported as failed
   * because its `done` could not be written: the outcome carries `journalError` instead.
   */
  async runStep(
    item: string,
    step: string,
    work: () => Promise<Detail | undefined>,
    detail: { started?: Detail; failed?: Detail; again?: boolean } = {},
  ): Promise<StepOutcome> {
    // `again`: what the journal says is done is not what the disk shows; the disk wins.
    if (this.isDone(item, step) && !detail.again) return { resumed: true, detail: this.doneDetail(item, step) };
    this.append(item, step, 'started', detail.started); // throws when it cannot be written
    await this.syncSoon().catch((e: unknown) => {
      throw new CliError('error', `cannot write the journal ${this.path}: ${errorCode(e)}; nothing was done for ${item}`, { cause: e });
    });
    let done: Detail | undefined;
    try {
      done = await work();
    } catch (e) {
      this.record(item, step, 'failed', { ...detail.failed, error: messageOf(e) });
      throw e;
    }
    const journalError = this.record(item, step, 'done', done);
    return journalError === undefined ? { resumed: false, detail: done } : { resumed: false, detail: done, journalError };
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

function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw notRegular(dir, st.isSymbolicLink() ? 'a symlink' : 'not a directory', 'journal directory');
  // Created by an older version (or by hand) with a looser mode: journals name hosts and paths.
  if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) chmodSync(dir, 0o700);
}

function notRegular(path: string, what: string, role = 'journal'): CliError {
  return new CliError('refused', `the ${role} ${path} is ${what}, not a regular ${role === 'journal' ? 'file' : 'directory'}: nothing was done`, {
    hint: 'Look at what it is and move it aside; the tool only writes journals it created itself.',
  });
}

function describeType(st: import('node:fs').Stats): string {
  if (st.isSymbolicLink()) return 'a symlink';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

interface ReadJournal {
  entries: JournalEntry[];
  problems: { line: number; reason: string }[];
  tornTail: boolean;
}

function readJournal(path: string): ReadJournal {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], problems: [], tornTail: false };
    throw e;
  }
  if (!st.isFile()) throw notRegular(path, describeType(st));
  return parseJournal(readRegularFile(path));
}

/** Reads through O_NOFOLLOW and re-checks the opened file, so a swap after the lstat changes nothing. */
function readRegularFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw notRegular(path, 'a symlink');
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(path, describeType(st));
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(64 * 1024);
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) chunks.push(Buffer.from(buffer.subarray(0, n)));
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export function parseJournal(text: string): ReadJournal {
  const entries: JournalEntry[] = [];
  const problems: { line: number; reason: string }[] = [];
  const tornTail = text.length > 0 && !text.endsWith('\n');
  const lines = text.split('\n');
  if (!tornTail) lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const torn = tornTail && i === lines.length - 1;
    const reason = recordProblem(line);
    if (typeof reason === 'string') problems.push({ line: i + 1, reason: torn ? `${reason} (torn last line: a crash mid-write?)` : reason });
    else entries.push(reason);
  });
  return { entries, problems, tornTail };
}

/** The record, or why the line is not one. */
function recordProblem(line: string): JournalEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const e = value as Record<string, unknown>;
  for (const key of ['item', 'step', 'status'] as const) if (typeof e[key] !== 'string') return `no ${key}`;
  if (!STATUSES.has(e.status as string)) return `unknown status ${JSON.stringify(e.status)}`;
  if (e.detail !== undefined && (typeof e.detail !== 'object' || e.detail === null)) return 'detail is not an object';
  return value as JournalEntry;
}

/** O_APPEND through O_NOFOLLOW: a symlink planted at the path is never followed. */
function appendNoFollow(path: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw notRegular(path, 'a symlink');
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(path, describeType(st));
    const data = Buffer.from(text, 'utf8');
    for (let written = 0; written < data.length; ) written += writeSync(fd, data, written, data.length - written);
  } finally {
    closeSync(fd);
  }
}

/** fsync of the journal file (through O_NOFOLLOW, like every append): covers all appends before it. */
async function fsyncNoFollowInBackground(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function fsyncNoFollow(path: string): void {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function errorCode(e: unknown): string {
  if (e instanceof CliError) return e.message;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code ?? messageOf(e);
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
