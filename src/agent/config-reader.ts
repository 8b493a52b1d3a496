import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigReader, PathContent } from '../domain/recovery/collect.js';
import type { AgentAccess } from './access.js';
import { normalizeAgentPath } from './agent-path.js';
import type { AgentTarget } from './settings.js';
import { sshFailureError } from './ssh-errors.js';

/**
 * First `V <systemctl --version's first line>` (empty when there is no systemctl), then one line per path, in
 * argument order: `F <base64>` (a file), `D <base64 of NUL-terminated names>`, `A` (absent) or `E` (not
 * readable); a file that fails while being read ends its line with ` !` (base64 has no space). Paths are
 * positional parameters, never spliced into the script. A process per file and per directory listing, not a
 * subshell around each: on a 200-agent fan-out the agents' process count is what the operator waits for.
 */
const READ_PATHS_SCRIPT =
  `systemctl --version 2>/dev/null | { IFS= read -r v; printf 'V %s\n' "$v"; }; ` +
  'for p do ' +
  `if [ -d "$p" ] && { [ ! -r "$p" ] || [ ! -x "$p" ]; }; then printf E; ` +
  `elif [ -d "$p" ]; then printf 'D '; find "$p" -mindepth 1 -maxdepth 1 -printf '%f\\0' | base64 -w0; ` +
  `elif [ ! -e "$p" ]; then printf A; ` +
  `elif [ -r "$p" ]; then printf 'F '; base64 -w0 2>/dev/null < "$p" || printf ' !'; ` +
  'else printf E; fi; echo; done';

/** `sudo`: the files were read as root, so "permission denied" cannot be helped by --sudo. */
export function parseReadPaths(
  stdout: string,
  paths: readonly string[],
  sudo = false,
): { contents: Map<string, PathContent>; systemctlVersion: string | null } {
  const all = stdout.split('\n').slice(0, -1);
  const first = all[0] ?? '';
  if (!first.startsWith('V ')) throw new Error('unexpected answer: no systemctl --version line');
  const systemctlVersion = first.slice(2) === '' ? null : first.slice(2);
  const lines = all.slice(1);
  if (lines.length !== paths.length) throw new Error(`unexpected answer: ${lines.length} records for ${paths.length} paths`);
  const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
  const contents = new Map(
    paths.map((path, i): [string, PathContent] => {
      const line = lines[i] as string;
      if (line.startsWith('F ') && !line.endsWith(' !')) return [path, { kind: 'file', text: decode(line.slice(2)) }];
      if (line.startsWith('D ')) return [path, { kind: 'directory', names: decode(line.slice(2)).split('\0').filter(Boolean).sort() }];
      if (line === 'A') return [path, { kind: 'absent' }];
      return [path, { kind: 'unreadable', reason: sudo ? 'permission denied (even as root)' : 'permission denied, try --sudo' }];
    }),
  );
  return { contents, systemctlVersion };
}

export function sshConfigReader(access: AgentAccess, agent: AgentTarget, signal: AbortSignal): ConfigReader {
  let version: string | null = null;
  return {
    async read(paths) {
      const what = `reading ${paths.length} configuration paths`;
      const result = await access.shell.runScript(agent, READ_PATHS_SCRIPT, paths.map(normalizeAgentPath), { signal, what });
      if (result.exitCode !== 0) throw sshFailureError(agent, { exitCode: result.exitCode, signal: null, stderr: result.stderr }, what);
      const parsed = parseReadPaths(result.stdout.toString('utf8'), paths, access.settings.sudo);
      version ??= parsed.systemctlVersion;
      return parsed.contents;
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
