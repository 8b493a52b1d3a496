/**
 * The remote side of each agent operation: a constant `sh -c` script that takes its paths as
 * positional parameters ("$1", "$2"), so no path is ever spliced into script text; plus pure parsers
 * of what the scripts print. Agents run GNU coreutils/findutils/tar (CentOS, CoreOS, Ubuntu).
 */

/** Exit codes our scripts use to report conditions a caller handles (all other codes are failures). */
export const ScriptExit = { ABSENT: 44, IS_SYMLINK: 45, NOT_DIRECTORY: 46 } as const;

/** A directory the operation works inside: it must exist, be a directory, and not be a symlink to one. */
const REQUIRE_REAL_DIRECTORY = '[ -L "$1" ] && exit 45; [ -e "$1" ] || exit 44; [ -d "$1" ] || exit 46; ';

/** The argv that runs `script` with `args` as $1, $2, ... ("sh" is $0, shown in the script's error messages). */
export function scriptArgv(script: string, args: readonly string[]): string[] {
  return ['sh', '-c', script, 'sh', ...args];
}

export const scripts = {
  /** Follows symlinks (config files often are); absent or dangling → 44. */
  readFile: '[ -e "$1" ] || exit 44; exec cat -- "$1"',

  /** $1 the path, $2 its parent: two records, so a device change tells a mount point. Symlinks not followed. */
  stat: `[ -e "$1" ] || [ -L "$1" ] || exit 44; exec find "$1" "$2" -maxdepth 0 -printf '%y %D %i %s %m %T@\\n'`,

  /**
   * Many paths at once, as (path, parent) pairs: one line each, `absent`, or the two stat records (like
   * `stat`) then `|` and, for a real directory, its size and entry count (like `size`). No names are
   * printed, so odd file names cannot break the format.
   */
  inspect:
    `while [ $# -ge 2 ]; do p=$1; q=$2; shift 2; ` +
    `if [ ! -e "$p" ] && [ ! -L "$p" ]; then echo absent; continue; fi; ` +
    `s=$(find "$p" "$q" -maxdepth 0 -printf '%y %D %i %s %m %T@ ') || exit $?; ` +
    `if [ -d "$p" ] && [ ! -L "$p" ]; then b=$(du -sb --one-file-system -- "$p") || exit $?; ` +
    `n=$(find "$p" -xdev -mindepth 1 -printf x | wc -c); printf '%s| %s %s\n' "$s" "\${b%%[!0-9]*}" "$n"; ` +
    `else printf '%s|\n' "$s"; fi; done`,

  /** The directory itself first (empty name), then each entry: type, device, size, name; NUL-separated. */
  list: `${REQUIRE_REAL_DIRECTORY}exec find "$1" -maxdepth 1 -printf '%y\\0%D\\0%s\\0%P\\0'`,

  /** Apparent bytes (du -sb) and entry count, both without crossing into other filesystems. */
  size:
    `${REQUIRE_REAL_DIRECTORY}b=$(du -sb --one-file-system -- "$1") || exit $?; ` +
    `n=$(find "$1" -xdev -mindepth 1 -printf x | wc -c); printf '%s %s\\n' "\${b%%[!0-9]*}" "$n"`,

  /** The archive goes to stdout; the entry count to stderr after it, as `entries=N`. */
  tar:
    `${REQUIRE_REAL_DIRECTORY}n=$(find "$1" -xdev -mindepth 1 -printf x | wc -c); ` +
    `tar -C "$1" --one-file-system -cf - . ; rc=$?; printf 'entries=%s\\n' "$n" >&2; exit $rc`,

  /**
   * Deletes everything below $1 (dotfiles too: no glob is involved), never crossing into another
   * filesystem, keeping $1 itself. Prints `<before> <after> <find status>` then up to 4 KiB of
   * NUL-terminated names that are still there.
   */
  deleteContents:
    `${REQUIRE_REAL_DIRECTORY}before=$(find "$1" -xdev -mindepth 1 -printf x | wc -c); ` +
    `find "$1" -xdev -mindepth 1 -delete; rc=$?; ` +
    `after=$(find "$1" -mindepth 1 -maxdepth 1 -printf x | wc -c); ` +
    `printf '%s %s %s\\n' "$before" "$after" "$rc"; ` +
    `find "$1" -mindepth 1 -maxdepth 1 -printf '%P\\0' | head -c 4096`,

  /**
   * Like deleteContents, then removes the emptied $1 itself with rmdir (never `rm -r`: a mount point or
   * anything left inside stops it). Prints `<before> <after> <status> <present>`, present = 1 when $1 is
   * still there, then up to 4 KiB of NUL-terminated names still inside.
   */
  removeDirectory:
    `${REQUIRE_REAL_DIRECTORY}before=$(find "$1" -xdev -mindepth 1 -printf x | wc -c); ` +
    `find "$1" -xdev -mindepth 1 -delete; rc=$?; ` +
    `after=$(find "$1" -mindepth 1 -maxdepth 1 -printf x | wc -c); ` +
    `if [ "$after" -eq 0 ]; then rmdir -- "$1" || rc=$?; fi; ` +
    `if [ -e "$1" ] || [ -L "$1" ]; then present=1; else present=0; fi; ` +
    `printf '%s %s %s %s\\n' "$before" "$after" "$rc" "$present"; ` +
    `if [ "$present" -eq 1 ]; then find "$1" -mindepth 1 -maxdepth 1 -printf '%P\\0' | head -c 4096; fi`,
} as const;

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

function entryType(findType: string): EntryType {
  return findType === 'f' ? 'file' : findType === 'd' ? 'directory' : findType === 'l' ? 'symlink' : 'other';
}

export interface PathStat {
  type: EntryType;
  isSymlink: boolean;
  /** st_dev as find prints it (decimal). */
  device: number;
  inode: number;
  size: number;
  /** Permission bits, e.g. 0o755. */
  mode: number;
  mtimeSec: number;
  /** On another filesystem than its parent (or the root): a MOUNT volume's root looks like this. */
  isMountPoint: boolean;
}

export function parseStat(stdout: string): PathStat {
  const [self, parent] = stdout.split('\n').map((line) => line.split(' '));
  if (!self || self.length < 6 || !parent || parent.length < 6) throw new Error(`unexpected stat output: ${JSON.stringify(stdout)}`);
  const [findType = '', device, inode, size, mode = '', mtime] = self;
  const type = entryType(findType);
  return {
    type,
    isSymlink: type === 'symlink',
    device: Number(device),
    inode: Number(inode),
    size: Number(size),
    mode: parseInt(mode, 8),
    mtimeSec: Number(mtime),
    isMountPoint: device !== parent[1] || inode === parent[2],
  };
}

export interface DirEntry {
  name: string;
  type: EntryType;
  isSymlink: boolean;
  device: number;
  size: number;
  /** A directory on another filesystem than the listed one. */
  isMountPoint: boolean;
}

export interface DirListing {
  device: number;
  entries: DirEntry[];
}

export function parseListing(stdout: Buffer): DirListing {
  const fields = stdout.toString('utf8').split('\0');
  fields.pop(); // the text after the last NUL is empty
  if (fields.length < 4 || fields.length % 4 !== 0) throw new Error('unexpected directory listing from the agent');
  const records: [string, string, string, string][] = [];
  for (let i = 0; i < fields.length; i += 4) {
    records.push(fields.slice(i, i + 4) as [string, string, string, string]);
  }
  const [self, ...rest] = records;
  const device = Number(self?.[1]);
  const entries = rest.map(([type, dev, size, name]) => {
    const t = entryType(type);
    return { name, type: t, isSymlink: t === 'symlink', device: Number(dev), size: Number(size), isMountPoint: t === 'directory' && Number(dev) !== device };
  });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { device, entries };
}

export function parseSize(stdout: string): { bytes: number; entries: number } {
  const m = /^(\d+) (\d+)\s*$/.exec(stdout);
  if (!m) throw new Error(`unexpected size output: ${JSON.stringify(stdout.slice(0, 100))}`);
  return { bytes: Number(m[1]), entries: Number(m[2]) };
}

export function parseTarEntries(stderr: string): number | undefined {
  const m = /^entries=(\d+)$/m.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

export interface DeleteReport {
  before: number;
  remaining: number;
  findStatus: number;
  remainingSample: string[];
  /** removeDirectory only: the directory itself is still there. */
  directoryRemains?: boolean;
}

/** The report of deleteContents (3 numbers) or removeDirectory (4). */
export function parseDeleteReport(stdout: Buffer): DeleteReport {
  const text = stdout.toString('utf8');
  const newline = text.indexOf('\n');
  const m = /^(\d+) (\d+) (\d+)(?: ([01]))?$/.exec(newline === -1 ? text : text.slice(0, newline));
  if (!m) throw new Error('unexpected delete report from the agent');
  const names = newline === -1 ? [] : text.slice(newline + 1).split('\0');
  names.pop(); // a name cut by `head -c` has no terminating NUL: drop it
  const report: DeleteReport = { before: Number(m[1]), remaining: Number(m[2]), findStatus: Number(m[3]), remainingSample: names };
  if (m[4] !== undefined) report.directoryRemains = m[4] === '1';
  return report;
}

export interface InspectedPath {
  stat: PathStat | null;
  size?: { bytes: number; entries: number };
}

export function parseInspect(stdout: string, count: number): InspectedPath[] {
  const lines = stdout.split('\n').filter((l) => l !== '');
  if (lines.length !== count) throw new Error(`unexpected inspect output: ${lines.length} records for ${count} paths`);
  return lines.map((line) => {
    if (line === 'absent') return { stat: null };
    const [stats = '', size = ''] = line.split('|');
    const words = stats.trim().split(' ');
    const stat = parseStat(`${words.slice(0, 6).join(' ')}\n${words.slice(6, 12).join(' ')}`);
    const m = /^\s*(\d+) (\d+)\s*$/.exec(size);
    return m ? { stat, size: { bytes: Number(m[1]), entries: Number(m[2]) } } : { stat };
  });
}
