import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { CliError } from '../core/errors.js';
import { normalizeAgentPath, parentAgentPath } from './agent-path.js';
import {
  parseDeleteReport,
  parseInspect,
  type InspectedPath,
  parseListing,
  parseSize,
  parseStat,
  parseTarReport,
  ScriptExit,
  type TarReport,
  scripts,
  type DirListing,
  type PathStat,
} from './remote-scripts.js';
import { agentLabel, type AgentTarget } from './settings.js';
import type { AgentShell, RemoteResult, RemoteRunOptions } from './ssh.js';
import { sshFailureError } from './ssh-errors.js';

export type { DirEntry, DirListing, PathStat } from './remote-scripts.js';

/** What the agent-side fence checks against (see `scripts.fencedDeleteContents`). */
export interface Fence {
  /** Every path component from here down to the directory must be a real directory (work_dir, disk root). */
  base: string;
  /** `device:inode` of the directory at preflight; omitted = not checked (e.g. resume of a partial delete). */
  expect?: string;
  /** Default `/proc`. */
  procRoot?: string;
}

/** The fence said no: the directory is in use, replaced, or behind a symlink. Nothing was deleted. */
export class FenceRefusal extends CliError {
  constructor(
    message: string,
    readonly scriptExit: number,
  ) {
    super('refused', message);
  }
}

/** Per-call knobs every operation accepts. */
export type OperationOptions = Pick<RemoteRunOptions, 'signal' | 'timeoutMs'>;

/**
 * Typed operations on an agent's filesystem. Paths are real agent paths (`/var/lib/mesos/...`), sent
 * as they are to every agent, mock or real. Each is one ssh call (through `sudo -n` with --sudo).
 */
export class AgentFs {
  constructor(private readonly shell: AgentShell) {}

  /** The file's content, or null when it does not exist. */
  async readFile(agent: AgentTarget, path: string, options: OperationOptions = {}): Promise<string | null> {
    const result = await this.script(agent, 'readFile', [path], `reading ${show(path)}`, options);
    if (result.exitCode === ScriptExit.ABSENT) return null;
    this.expectSuccess(agent, result, `reading ${show(path)}`);
    return result.stdout.toString('utf8');
  }

  /** lstat-like: symlinks are reported, not followed. null when nothing is there. */
  async stat(agent: AgentTarget, path: string, options: OperationOptions = {}): Promise<PathStat | null> {
    const what = `examining ${show(path)}`;
    const result = await this.script(agent, 'stat', [path, parentAgentPath(path)], what, options);
    if (result.exitCode === ScriptExit.ABSENT) return null;
    this.expectSuccess(agent, result, what);
    return parseStat(result.stdout.toString('utf8'));
  }

  /**
   * stat (symlinks not followed, mount points told) plus, for real directories, size and entry count —
   * for many paths in one ssh call. Results in the order of `paths`.
   */
  async inspect(agent: AgentTarget, paths: readonly string[], options: OperationOptions = {}): Promise<InspectedPath[]> {
    if (paths.length === 0) return [];
    const what = `examining ${paths.length === 1 ? show(paths[0] as string) : `${paths.length} paths`}`;
    const pairs = paths.flatMap((p) => [p, parentAgentPath(p)]);
    const result = await this.script(agent, 'inspect', pairs, what, options);
    this.expectSuccess(agent, result, what);
    return parseInspect(result.stdout.toString('utf8'), paths.length);
  }

  /** The entries of a directory (not a symlink to one), sorted by name, with the directory's device. */
  async list(agent: AgentTarget, dir: string, options: OperationOptions = {}): Promise<DirListing> {
    const what = `listing ${show(dir)}`;
    const result = await this.script(agent, 'list', [dir], what, options);
    this.expectDirectoryResult(agent, result, dir, what);
    return parseListing(result.stdout);
  }

  /** Apparent size in bytes and number of entries below `dir`, staying on its filesystem. */
  async directorySize(agent: AgentTarget, dir: string, options: OperationOptions = {}) {
    const what = `measuring ${show(dir)}`;
    const result = await this.script(agent, 'size', [dir], what, options);
    this.expectDirectoryResult(agent, result, dir, what);
    return parseSize(result.stdout.toString('utf8'));
  }

  /**
   * Streams a tar of the directory's contents into `localFile` (created, never overwritten; removed
   * again on failure). Returns the entries below the directory and the bytes of its regular files, as
   * counted on the agent, and the tar options and version used there.
   */
  async tarDirectory(agent: AgentTarget, dir: string, localFile: string, options: OperationOptions = {}) {
    const what = `archiving ${show(dir)}`;
    const out = createWriteStream(localFile, { flags: 'wx', mode: 0o600 });
    try {
      await once(out, 'open');
    } catch (e) {
      const exists = (e as NodeJS.ErrnoException).code === 'EEXIST';
      throw new CliError('usage', exists ? `${localFile} already exists; not overwriting it` : `cannot create ${localFile}: ${(e as Error).message}`);
    }
    let result: RemoteResult;
    try {
      result = await this.script(agent, 'tar', [dir], what, { ...options, stdoutTo: out });
      out.end();
      await once(out, 'close');
      this.expectDirectoryResult(agent, result, dir, what, [0, 1]);
    } catch (e) {
      out.destroy();
      await rm(localFile, { force: true });
      throw e;
    }
    const report = parseTarReport(result.stderr);
    if (report === undefined) {
      await rm(localFile, { force: true });
      throw new CliError('remote', `agent ${agentLabel(agent)}: ${what}: no entry count reported`);
    }
    // tar exits 1 when a file changed while it was read: the archive is complete but not a snapshot.
    const warning = result.exitCode === 1 ? 'some files changed while they were archived' : undefined;
    return { ...report, bytes: out.bytesWritten, ...(warning ? { warning } : {}) };
  }

  /**
   * Extracts the local tar `archive` into `dir` behind the agent-side fence, as root, in one command:
   * refuses (FenceRefusal, nothing written) like deleteContentsFenced, and also when `dir` is not empty
   * right before tar starts or the command does not run as root. Returns what is in `dir` afterwards.
   */
  async restoreFenced(agent: AgentTarget, dir: string, fence: Fence, archive: string, restore: { xattrs: boolean }, options: OperationOptions = {}): Promise<TarReport> {
    const what = `restoring into ${show(dir)}`;
    const source = createReadStream(archive);
    const args = [fence.expect ?? '-', restore.xattrs ? 'xattrs' : '-'];
    let result: RemoteResult;
    try {
      result = await this.script(agent, 'restoreFenced', [dir, fence.procRoot ?? '/proc', fence.base], what, { ...options, stdinFrom: source }, args);
    } finally {
      source.destroy();
    }
    this.expectFenceResult(agent, result, dir, 'nothing was written');
    const label = agentLabel(agent);
    if (result.exitCode === ScriptExit.NOT_EMPTY) {
      throw new FenceRefusal(`agent ${label}: ${show(dir)} is not empty right before writing (${firstLine(result.stderr)}); nothing was written`, result.exitCode);
    }
    if (result.exitCode === ScriptExit.NOT_ROOT) {
      throw new FenceRefusal(`agent ${label}: restoring owners needs root (${firstLine(result.stderr)}): use --sudo; nothing was written`, result.exitCode);
    }
    this.expectDirectoryResult(agent, result, dir, what);
    const report = parseTarReport(result.stderr);
    if (report === undefined) throw new CliError('remote', `agent ${label}: ${what}: no entry count reported`);
    return report;
  }

  /**
   * Deletes everything inside `dir` (dotfiles included) without crossing into other filesystems and
   * keeps `dir` itself, then checks it is empty. Returns how many entries were removed.
   */
  async deleteContents(agent: AgentTarget, dir: string, options: OperationOptions = {}): Promise<{ removed: number }> {
    const what = `deleting the contents of ${show(dir)}`;
    const result = await this.script(agent, 'deleteContents', [dir], what, options);
    return this.emptiedReport(agent, result, dir, what);
  }

  /**
   * deleteContents behind the agent-side fence, in one command: refuses (CliError 'refused', nothing
   * deleted) when a component from `fence.base` down is a symlink, when the directory is not the one
   * seen at preflight (`fence.expect`, `device:inode`), or when a container or process uses it now.
   */
  async deleteContentsFenced(agent: AgentTarget, dir: string, fence: Fence, options: OperationOptions = {}): Promise<{ removed: number }> {
    const what = `deleting the contents of ${show(dir)}`;
    const result = await this.script(agent, 'fencedDeleteContents', [dir, fence.procRoot ?? '/proc', fence.base], what, options, [fence.expect ?? '-']);
    this.expectFenceResult(agent, result, dir);
    return this.emptiedReport(agent, result, dir, what);
  }

  /** The report of a contents delete: the directory must be empty now. */
  private emptiedReport(agent: AgentTarget, result: RemoteResult, dir: string, what: string): { removed: number } {
    this.expectDirectoryResult(agent, result, dir, what);
    const report = parseDeleteReport(result.stdout);
    if (report.remaining > 0) {
      const sample = report.remainingSample.slice(0, 3).map(show).join(', ');
      const reason = result.stderr.trim().split('\n')[0]?.replace(/^find: /, '') ?? '';
      throw new CliError(
        'remote',
        `agent ${agentLabel(agent)}: ${show(dir)} is not empty after deleting: ${report.remaining} entries remain (${sample})` +
          (reason ? `; ${reason}` : ''),
      );
    }
    if (report.findStatus !== 0) {
      // Nothing seen left, but find failed: a directory it could not read may hide entries.
      const reason = result.stderr.trim().split('\n')[0]?.replace(/^find: /, '') ?? '';
      const sudoHint = /Permission denied/.test(reason) && !this.shell.settings.sudo ? '; try --sudo' : '';
      throw new CliError('remote', `agent ${agentLabel(agent)}: deleting inside ${show(dir)} failed${reason ? `: ${reason}` : ''}${sudoHint}`);
    }
    return { removed: report.before };
  }

  /**
   * Removes `dir` entirely: everything inside (dotfiles included, never crossing into another
   * filesystem), then the emptied directory itself with rmdir. Returns how many entries were inside.
   */
  async removeDirectory(agent: AgentTarget, dir: string, options: OperationOptions = {}): Promise<{ removed: number }> {
    const what = `removing ${show(dir)}`;
    const result = await this.script(agent, 'removeDirectory', [dir], what, options);
    return this.removeReport(agent, result, dir, what);
  }

  /**
   * removeDirectory behind the agent-side fence, in one command: refuses (FenceRefusal, nothing deleted)
   * like deleteContentsFenced when a component from `fence.base` down is a symlink, the directory was
   * replaced since `fence.expect`, or a container or process uses it now.
   */
  async removeDirectoryFenced(agent: AgentTarget, dir: string, fence: Fence, options: OperationOptions = {}): Promise<{ removed: number }> {
    const what = `removing ${show(dir)}`;
    const result = await this.script(agent, 'fencedRemoveDirectory', [dir, fence.procRoot ?? '/proc', fence.base], what, options, [fence.expect ?? '-']);
    this.expectFenceResult(agent, result, dir);
    return this.removeReport(agent, result, dir, what);
  }

  private removeReport(agent: AgentTarget, result: RemoteResult, dir: string, what: string): { removed: number } {
    this.expectDirectoryResult(agent, result, dir, what);
    const report = parseDeleteReport(result.stdout);
    if (report.remaining > 0 || report.directoryRemains !== false) {
      const sample = report.remainingSample.slice(0, 3).map(show).join(', ');
      const reason = result.stderr.trim().split('\n')[0]?.replace(/^(find|rmdir): /, '') ?? '';
      const left = report.remaining > 0 ? `${report.remaining} entries remain (${sample})` : 'the emptied directory could not be removed';
      throw new CliError('remote', `agent ${agentLabel(agent)}: ${show(dir)} is still there after deleting: ${left}${reason ? `; ${reason}` : ''}`);
    }
    return { removed: report.before };
  }

  private script(
    agent: AgentTarget,
    name: keyof typeof scripts,
    paths: string[],
    what: string,
    options: RemoteRunOptions,
    plainArgs: string[] = [],
  ): Promise<RemoteResult> {
    return this.shell.runScript(agent, scripts[name], [...paths.map(normalizeAgentPath), ...plainArgs], { ...options, what });
  }

  /** The fence's refusals: nothing was deleted. */
  private expectFenceResult(agent: AgentTarget, result: RemoteResult, dir: string, nothingDone = 'nothing was deleted'): void {
    const detail = result.stderr.trim().split('\n').slice(0, 4).join('; ');
    const refuse = (why: string) => {
      throw new FenceRefusal(`agent ${agentLabel(agent)}: ${show(dir)} ${why}${detail ? ` (${detail})` : ''}; ${nothingDone}`, result.exitCode);
    };
    switch (result.exitCode) {
      case ScriptExit.IN_USE:
        return refuse('is in use right now');
      case ScriptExit.SYMLINK_IN_PATH:
        return refuse('has a symbolic link in its path');
      case ScriptExit.REPLACED:
        return refuse('is not the directory inspected before (replaced since)');
      case ScriptExit.FENCE_UNKNOWN:
        return refuse('could not be matched to a mount, so whether a container uses it is unknown');
    }
  }

  private expectSuccess(agent: AgentTarget, result: RemoteResult, what: string, okCodes = [0]): void {
    if (okCodes.includes(result.exitCode)) return;
    const error = sshFailureError(agent, { exitCode: result.exitCode, signal: null, stderr: result.stderr }, what);
    // The SSH user of a real agent may not read the task's data: say what helps, in the line itself.
    if (/Permission denied|Operation not permitted/.test(result.stderr) && !this.shell.settings.sudo) {
      throw new CliError(error.kind, `${error.message}; try --sudo`, {
        hint: 'The SSH user cannot read or change this on the agent: run again with --sudo (passwordless sudo on the agents).',
      });
    }
    throw error;
  }

  private expectDirectoryResult(agent: AgentTarget, result: RemoteResult, dir: string, what: string, okCodes = [0]): void {
    const label = agentLabel(agent);
    switch (result.exitCode) {
      case ScriptExit.ABSENT:
        throw new CliError('not-found', `agent ${label}: ${show(dir)} does not exist`);
      case ScriptExit.IS_SYMLINK:
        throw new CliError('refused', `agent ${label}: ${show(dir)} is a symbolic link; refusing to follow it`);
      case ScriptExit.NOT_DIRECTORY:
        throw new CliError('refused', `agent ${label}: ${show(dir)} is not a directory`);
      default:
        this.expectSuccess(agent, result, what, okCodes);
    }
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/** A path as it appears in messages: bare when plain, JSON-quoted when it has spaces or odd characters. */
function show(path: string): string {
  return /^[A-Za-z0-9_@%+,./:#-]+$/.test(path) ? path : JSON.stringify(path);
}
