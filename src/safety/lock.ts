import { constants, closeSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { ClusterClients } from '../cluster/clients.js';
import type { Io } from '../core/io.js';
import type { Logger } from '../core/log.js';
import { CliError } from '../core/errors.js';
import { clusterIdentity, lockDir } from './state-dir.js';
import { heldHere } from './lock-held.js';

/** What a lock file says about the run holding it. Never carries secrets (see redactArgv). */
export interface LockHolder {
  pid: number;
  hostname: string;
  command: string;
  since: string;
  cluster: string;
  /** Linux: /proc/sys/kernel/random/boot_id, so a lock from before a reboot is known to be stale. */
  bootId?: string;
  /** Linux: the holder's start time (clock ticks since boot), so a reused pid is not taken for the holder. */
  pidStart?: string;
  /** Ours alone: release() removes the file only while it is still this lock. */
  nonce: string;
}

export interface DestructiveLock {
  path: string;
  holder: LockHolder;
  /** Removes the lock file if it is still ours. Synchronous and safe to call twice. */
  release(): void;
}

export interface AcquireOptions {
  /** Identifies the cluster (the lock is per cluster). */
  cluster: string;
  command: string;
  /** A stale lock was taken over: one line for the operator. */
  warn: (message: string) => void;
  /** Tests stand in for another machine or a dead process. */
  hostname?: string;
  pid?: number;
  isAlive?: (holder: LockHolder) => boolean;
}

const TAKEOVER_ATTEMPTS = 3;


/**
 * One destructive run at a time per cluster (`wipe`, `volumes orphans --purge|--release-reservations`):
 * taken right after the cluster is resolved, before any check, released when the command ends however it
 * ends (ctx.onClose, and a synchronous process 'exit' hook for a forced exit). Not for --dry-run.
 */
/** What a run lends the lock: where state lives, where warnings go, and its end (to release the lock). */
export interface LockScope {
  io: Io;
  log: Logger;
  onClose(fn: () => Promise<void> | void): void;
}

export function acquireDestructiveLock(ctx: LockScope, clients: ClusterClients, operation: string): DestructiveLock {
  const lock = acquireLock(lockDir(ctx.io, clients), {
    cluster: clusterIdentity(clients),
    command: commandLine(operation),
    warn: (m) => ctx.log.warn(m),
  });
  ctx.onClose(() => lock.release());
  return lock;
}

export function lockPath(dir: string, cluster: string): string {
  return join(dir, `${createHash('sha256').update(cluster).digest('hex').slice(0, 16)}.lock`);
}

export function acquireLock(dir: string, options: AcquireOptions): DestructiveLock {
  ensureLockDir(dir);
  const path = lockPath(dir, options.cluster);
  const mine: LockHolder = {
    pid: options.pid ?? process.pid,
    hostname: options.hostname ?? osHostname(),
    command: options.command,
    since: new Date().toISOString(),
    cluster: options.cluster,
    ...linuxIdentity(options.pid ?? process.pid),
    nonce: randomBytes(12).toString('hex'),
  };
  const isAlive = options.isAlive ?? processIsAlive;
  for (let attempt = 1; ; attempt++) {
    if (createExclusively(path, mine)) break;
    const held = readHolder(path);
    if (held === undefined) continue; // released between our attempt and the read: try again
    const stale = held.hostname === mine.hostname && !isAlive(held);
    if (!stale || attempt > TAKEOVER_ATTEMPTS) throw heldBy(path, held, held.hostname !== mine.hostname);
    if (removeIfStill(path, held)) {
      options.warn(`took over a stale lock of pid ${held.pid} (${held.command}, since ${held.since}): that process no longer runs`);
    }
  }
  heldHere.add(mine.nonce);
  const release = () => {
    process.off('exit', release);
    heldHere.delete(mine.nonce);
    const now = readHolderQuietly(path);
    if (now?.nonce === mine.nonce) unlinkSync(path);
  };
  process.on('exit', release);
  return { path, holder: mine, release };
}

function ensureLockDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new CliError('refused', `the lock directory ${dir} is ${st.isSymbolicLink() ? 'a symlink' : 'not a directory'}: nothing was done`);
}

/** Write the whole lock to a private temporary file, then link() it into place: atomic, never clobbers. */
function createExclusively(path: string, holder: LockHolder): boolean {
  const tmp = `${path}.${holder.pid}.${holder.nonce}.tmp`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, `${JSON.stringify(holder, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new CliError('error', `cannot create the lock ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; nothing was done`, { cause: e });
  } finally {
    unlinkSync(tmp);
  }
}

/** The holder named in the lock file; undefined when there is none any more. Anything unreadable refuses. */
function readHolder(path: string): LockHolder | undefined {
  let text: string;
  try {
    if (!lstatSync(path).isFile()) throw new Error('not a regular file');
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(path, (e as Error).message);
  }
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && typeof h.hostname === 'string' && typeof h.nonce === 'string') {
      return { command: '(unknown command)', since: '(unknown time)', cluster: '', ...h } as LockHolder;
    }
  } catch {
    // reported below
  }
  throw unreadable(path, 'not a lock written by stateful-ops');
}

function readHolderQuietly(path: string): LockHolder | undefined {
  try {
    return readHolder(path);
  } catch {
    return undefined;
  }
}

/**
 * Moves the stale lock aside and checks it is the one judged stale: a run that took it over at the same
 * moment must not lose its fresh lock (it is put back then).
 */
function removeIfStill(path: string, stale: LockHolder): boolean {
  const aside = `${path}.stale.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  const moved = readHolderQuietly(aside);
  if (moved?.nonce === stale.nonce) {
    unlinkSync(aside);
    return true;
  }
  try {
    linkSync(aside, path);
  } catch {
    // another run holds the lock now; the one we moved is refused below like any holder
  }
  unlinkSync(aside);
  return false;
}

function heldBy(path: string, h: LockHolder, otherHost: boolean): CliError {
  const who = `pid ${h.pid} on ${h.hostname} since ${h.since} (${h.command})`;
  return new CliError('refused', `another destructive run holds the lock on this cluster: ${who}`, {
    hint: otherHost
      ? `It runs on another machine. Wait for it; if you have checked that no run is active on ${h.hostname}, remove ${path} and run again.`
      : `Wait for it to finish, then run again (lock file ${path}).`,
  });
}

function unreadable(path: string, why: string): CliError {
  return new CliError('refused', `the lock file ${path} cannot be read (${why}): nothing was done`, {
    hint: `If no other run is active on this cluster, remove ${path} and run again.`,
  });
}

/** Alive unless the kernel says there is no such process, or the pid now belongs to another process. */
function processIsAlive(holder: LockHolder): boolean {
  const here = linuxIdentity(holder.pid);
  if (holder.bootId !== undefined && here.bootId !== undefined && holder.bootId !== here.bootId) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (holder.pidStart !== undefined && here.pidStart !== undefined && holder.pidStart !== here.pidStart) return false;
  return true;
}

function linuxIdentity(pid: number): { bootId?: string; pidStart?: string } {
  const out: { bootId?: string; pidStart?: string } = {};
  try {
    out.bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return out;
  }
  try {
    // Field 22 of /proc/<pid>/stat, counted after the parenthesised command name (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    if (start) out.pidStart = start;
  } catch {
    // no such process
  }
  return out;
}

/** The command as typed, for the lock file and the refusal: `stateful-ops <args>` without secrets. */
function commandLine(operation: string): string {
  const args = redactArgv(process.argv.slice(2));
  const line = args.length > 0 ? `stateful-ops ${args.join(' ')}` : `stateful-ops ${operation}`;
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

const SECRET_FLAGS = new Set(['--acs-token']);

/** Token values and URL passwords become `***`. */
export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    if (SECRET_FLAGS.has(arg)) {
      out.push(arg);
      if (i + 1 < argv.length) out.push('***');
      i++;
    } else if (eq > 0 && SECRET_FLAGS.has(arg.slice(0, eq))) out.push(`${arg.slice(0, eq)}=***`);
    else out.push(arg.replace(/(\w+:\/\/[^/\s:@]*):[^/\s@]*@/g, '$1:***@'));
  }
  return out;
}
