import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigReader, PathContent } from '../domain/recovery/collect.js';
import type { AgentAccess } from './access.js';
import { normalizeAgentPath } from './agent-path.js';
import type { AgentTarget } from './settings.js';
import { SSH_OWN_FAILURE, sshFailureError } from './ssh-errors.js';
import { readTarMembers, type TarMember } from './tar-members.js';

/**
 * Reads every path in one round: first `V <systemctl --version's first line>` (empty when there is no
 * systemctl), then one record per path, in argument order: `A` (absent), `E` (not readable), `N` (not a regular file: a FIFO would never end), `D` and the
 * entry names, each NUL-terminated, then an empty name (names hold neither `/` nor NUL), or `F` (a readable
 * file); each record ends with a newline. The files' contents follow as one GNU tar archive, so an agent runs
 * one process for all of them (on a 200-agent fan-out the agents' process count is what the operator
 * waits for), and the script's exit status is tar's. In `inline` mode (when tar failed: missing, not GNU,
 * or a file changed or vanished while read) a file's record is `F <base64>` instead, ending with ` !` when
 * the read failed. Paths are positional parameters, never spliced into the script; directories are listed
 * by the shell's own globs.
 */
const READ_PATHS_SCRIPT =
  'm=$1; shift; n=$#; v=; ' +
  'if command -v systemctl >/dev/null 2>&1; then v=$(systemctl --version 2>/dev/null); fi; ' +
  // The first line: everything from the first newline on goes (the newline is a literal one in the script).
  `printf 'V %s\\n' "\${v%%\n*}"; ` +
  'for p do ' +
  'if [ -d "$p" ]; then ' +
  'if [ ! -r "$p" ] || [ ! -x "$p" ]; then echo E; ' +
  `else printf D; for e in "$p"/* "$p"/.[!.]* "$p"/..?*; do if [ -e "$e" ] || [ -L "$e" ]; then printf '%s\\0' "\${e##*/}"; fi; done; printf '\\0\\n'; fi; ` +
  'elif [ ! -e "$p" ]; then echo A; ' +
  'elif [ ! -r "$p" ]; then echo E; ' +
  'elif [ ! -f "$p" ]; then echo N; ' +
  `elif [ "$m" = inline ]; then printf 'F '; base64 -w0 2>/dev/null < "$p" || printf ' !'; echo; ` +
  'else echo F; set -- "$@" "$p"; fi; done; ' +
  'shift $n; if [ $# -gt 0 ]; then exec tar -c -f - -b 1 -H gnu -P --no-recursion --dereference --hard-dereference -- "$@"; fi';

type ReadMode = 'archive' | 'inline';

export interface ReadRecords {
  systemctlVersion: string | null;
  contents: Map<string, PathContent>;
  /** Readable files whose contents are in the archive, in argument order. */
  archived: string[];
  /** Where the archive starts. */
  end: number;
}

const NEWLINE = 0x0a;
const NOT_REGULAR: PathContent = { kind: 'unreadable', reason: 'not a regular file' };

/** The records the script printed; `sudo`: the files were read as root, so "permission denied" cannot be helped by --sudo. */
export function parseReadRecords(stdout: Buffer, paths: readonly string[], sudo = false): ReadRecords {
  const firstEnd = stdout.indexOf(NEWLINE);
  const first = stdout.subarray(0, firstEnd === -1 ? stdout.length : firstEnd).toString('utf8');
  if (firstEnd === -1 || !first.startsWith('V ')) throw new Error('unexpected answer: no systemctl --version line');
  const unreadable: PathContent = { kind: 'unreadable', reason: sudo ? 'permission denied (even as root)' : 'permission denied, try --sudo' };
  const contents = new Map<string, PathContent>();
  const archived: string[] = [];
  let at = firstEnd + 1;
  const lineAt = (from: number): string | null => {
    const eol = stdout.indexOf(NEWLINE, from);
    return eol === -1 ? null : stdout.subarray(from, eol).toString('latin1');
  };
  for (const [index, path] of paths.entries()) {
    const kind = at < stdout.length ? String.fromCharCode(stdout[at] as number) : '';
    let content: PathContent | 'archived';
    if (kind === 'D') {
      const names: string[] = [];
      let from = at + 1;
      for (;;) {
        const nul = stdout.indexOf(0, from);
        if (nul === -1) throw new Error(`unexpected answer: the listing of ${path} is cut short`);
        if (nul === from) break;
        names.push(stdout.subarray(from, nul).toString('utf8'));
        from = nul + 1;
      }
      if (stdout[from + 1] !== NEWLINE) throw new Error(`unexpected answer: the listing of ${path} does not end its record`);
      content = { kind: 'directory', names: names.sort() };
      at = from + 2;
    } else {
      const line = lineAt(at);
      if (line === null) throw new Error(`unexpected answer: ${index} records for ${paths.length} paths`);
      if (line === 'A') content = { kind: 'absent' };
      else if (line === 'E') content = unreadable;
      else if (line === 'N') content = NOT_REGULAR;
      else if (line === 'F') content = 'archived';
      else if (line.startsWith('F ') && !line.endsWith(' !')) content = { kind: 'file', text: Buffer.from(line.slice(2), 'base64').toString('utf8') };
      else if (line.startsWith('F ')) content = unreadable;
      else throw new Error(`unexpected answer: record ${JSON.stringify(line.slice(0, 40))} for ${path}`);
      at += line.length + 1;
    }
    if (content === 'archived') archived.push(path);
    else contents.set(path, content);
  }
  return { systemctlVersion: first.slice(2) === '' ? null : first.slice(2), contents, archived, end: at };
}

/** The archived files' contents, matched to their paths by order (tar keeps the order of its arguments). */
export function archivedContents(archive: Buffer, archived: readonly string[]): Map<string, PathContent> {
  const members = readTarMembers(archive);
  if (members.length !== archived.length) throw new Error(`unexpected answer: ${members.length} archived files for ${archived.length} paths`);
  return new Map(
    archived.map((path, i): [string, PathContent] => {
      const member = members[i] as TarMember;
      return [path, member.type === '0' || member.type === '7' ? { kind: 'file', text: member.data.toString('utf8') } : NOT_REGULAR];
    }),
  );
}

export function sshConfigReader(access: AgentAccess, agent: AgentTarget, signal: AbortSignal): ConfigReader {
  let version: string | null = null;
  const run = async (mode: ReadMode, paths: readonly string[]) => {
    const what = `reading ${paths.length} configuration paths`;
    const result = await access.shell.runScript(agent, READ_PATHS_SCRIPT, [mode, ...paths.map(normalizeAgentPath)], { signal, what });
    const failure = () => sshFailureError(agent, { exitCode: result.exitCode, signal: null, stderr: result.stderr }, what);
    if (result.exitCode === SSH_OWN_FAILURE) throw failure();
    let records: ReadRecords;
    try {
      records = parseReadRecords(result.stdout, paths, access.settings.sudo);
    } catch (e) {
      throw result.exitCode === 0 ? e : failure();
    }
    return { records, result, failure };
  };
  return {
    async read(paths) {
      const { records, result, failure } = await run('archive', paths);
      version ??= records.systemctlVersion;
      const { contents, archived } = records;
      if (archived.length === 0) {
        if (result.exitCode !== 0) throw failure();
      } else if (result.exitCode === 0) {
        for (const [path, content] of archivedContents(result.stdout.subarray(records.end), archived)) contents.set(path, content);
      } else {
        // tar could not account for every file: read those one by one, each with its own verdict.
        const again = await run('inline', archived);
        if (again.result.exitCode !== 0) throw again.failure();
        if (again.records.archived.length > 0) throw new Error('unexpected answer: files left to an archive when read one by one');
        for (const [path, content] of again.records.contents) contents.set(path, content);
      }
      return contents;
    },
    systemctlVersion: () => version,
  };
}

/** A directory laid out like an agent's `/`. */
export function localConfigReader(root: string): ConfigReader {
  const readOne = async (path: string): Promise<PathContent> => {
    let local: string;
    try {
      local = join(root, normalizeAgentPath(path));
    } catch (e) {
      return { kind: 'unreadable', reason: (e as Error).message };
    }
    try {
      if ((await stat(local)).isDirectory()) return { kind: 'directory', names: (await readdir(local)).sort() };
      return { kind: 'file', text: await readFile(local, 'utf8') };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      return ['ENOENT', 'ENOTDIR'].includes(code) ? { kind: 'absent' } : { kind: 'unreadable', reason: (e as Error).message };
    }
  };
  // A copy on disk has no systemctl: --systemd (or the newest) says which rules apply.
  return { read: async (paths) => new Map(await Promise.all(paths.map(async (p) => [p, await readOne(p)] as const))), systemctlVersion: () => null };
}
