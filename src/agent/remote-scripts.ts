import type { DirEntry, EntryType } from '../model/agent-files.js';

export type { DirEntry, EntryType } from '../model/agent-files.js';

/**
 * The remote side of each agent operation: a constant `sh -c` script that takes its paths as
 * positional parameters ("$1", "$2"), so no path is ever spliced into script text; plus pure parsers
 * of what the scripts print. Agents run GNU coreutils/findutils/tar (CentOS, CoreOS, Ubuntu).
 */

/** Exit codes our scripts use to report conditions a caller handles (all other codes are failures). */
export const ScriptExit = {
  ABSENT: 44,
  IS_SYMLINK: 45,
  NOT_DIRECTORY: 46,
  /** The fence: a container (mount) or a process (cwd, open file) uses the directory right now. */
  IN_USE: 47,
  /** A path component between the checked base (work_dir) and the directory is a symlink. */
  SYMLINK_IN_PATH: 48,
  /** The directory is not the one inspected before (another device:inode): it was replaced. */
  REPLACED: 49,
  /** The fence could not tell which mount the directory is on: nothing is deleted on a guess. */
  FENCE_UNKNOWN: 50,
  /** A restore's target holds entries right before writing (it must be empty). */
  NOT_EMPTY: 51,
  /** A restore needs root on the agent to give files back to their owners. */
  NOT_ROOT: 52,
} as const;

/** A directory the operation works inside: it must exist, be a directory, and not be a symlink to one. */
const REQUIRE_REAL_DIRECTORY = '[ -L "$1" ] && exit 45; [ -e "$1" ] || exit 44; [ -d "$1" ] || exit 46; ';

/**
 * The argv that runs `script` with `args` as $1, $2, ... ("sh" is $0, shown in the script's error
 * messages); with `sudo`, as root through `sudo -n` (non-interactive: fails instead of prompting). This
 * fixed form is all that is ever sent to an agent, so an agent-side wrapper can parse it.
 */
export function scriptArgv(script: string, args: readonly string[], options: { sudo?: boolean } = {}): string[] {
  return [...(options.sudo ? ['sudo', '-n'] : []), 'sh', '-c', script, 'sh', ...args];
}

/**
 * The last check before a delete, run on the agent in the same command that deletes, so nothing can
 * start using the directory between the check and the delete's start. Arguments: $1 the directory,
 * $2 the proc root (`/proc`), $3 the base from which every path component down to $1 must be a real
 * directory (work_dir, or the MOUNT/PATH disk root), $4 the `device:inode` seen at preflight or `-`.
 *
 * In use means: some process's mount namespace has a mount whose source is $1 or lies inside it (the
 * kernel lists it in /proc/<pid>/mountinfo as the same device with a root at or under $1's path inside
 * that filesystem: Mesos `filesystem/linux` and Docker bind mounts), or a host process has its cwd or an
 * open file inside $1 (the `filesystem/posix` isolator reaches volumes through a sandbox symlink).
 * mountinfo is readable by every user; other users' cwd and fds only by root (--sudo).
 */
const FENCE_AWK = String.raw`
function unesc(s,  out, i) { out = ""; while ((i = index(s, "\\")) > 0) { out = out substr(s, 1, i - 1) sprintf("%c", substr(s, i + 1, 1) * 64 + substr(s, i + 2, 1) * 8 + substr(s, i + 3, 1)); s = substr(s, i + 4) } return out s }
function under(p, base) { return base == "/" || p == base || substr(p, 1, length(base) + 1) == base "/" }
BEGIN { v = ENVIRON["V"]; self = ENVIRON["SELF"]; dev = ENVIRON["DEV"] + 0; mm = (int(dev / 256) % 4096 + int(dev / 17592186044416) * 4096) ":" (dev % 256 + (int(dev / 1048576) % 16777216) * 256); seen = 0; best = -1; ready = 0 }
substr($0, 1, length(self)) == self { seen = 1; split(substr($0, length(self) + 1), f, " "); if (f[3] == mm) { mp = unesc(f[5]); if (under(v, mp) && length(mp) > best) { best = length(mp); bmp = mp; broot = unesc(f[4]) } } next }
!ready { ready = 1; if (best >= 0) { rest = (bmp == "/") ? v : substr(v, length(bmp) + 1); rv = (broot == "/" ? "" : broot) rest; if (rv == "") rv = "/" } }
best >= 0 { i = index($0, "/mountinfo:"); if (i == 0) next; split(substr($0, i + 11), f, " "); if (f[3] != mm) next; r = unesc(f[4]); if (r == rv || substr(r, 1, length(rv) + 1) == rv "/") { pid = substr($0, 1, i - 1); sub(/.*\//, "", pid); if (++n <= 3) print "mounted in the mount namespace of pid " pid " at " f[5] } }
END { if (!seen || best < 0) exit 50; if (n > 3) print "(" n - 3 " more)"; if (n > 0) exit 47 }`;

const FD_AWK = String.raw`BEGIN { v = ENVIRON["V"]; FS = "\t" } $2 == v || substr($2, 1, length(v) + 1) == v "/" { if (++n <= 3) print "used by " $1 " -> " $2 } END { if (n > 3) print "(" n - 3 " more)"; if (n > 0) exit 47 }`;

const FENCE =
  `base=$3; case $1 in "$base"|"$base"/*) ;; *) echo "$1 is not under $base" >&2; exit 48;; esac; ` +
  `c=$base; rest=\${1#"$base"}; [ -L "$c" ] && { echo "symlink: $c" >&2; exit 48; }; ` +
  `while [ -n "$rest" ]; do rest=\${rest#/}; comp=\${rest%%/*}; rest=\${rest#"$comp"}; c=$c/$comp; ` +
  `if [ -L "$c" ]; then echo "symlink: $c" >&2; exit 48; fi; done; ` +
  REQUIRE_REAL_DIRECTORY +
  `id=$(find "$1" -maxdepth 0 -printf '%D:%i') || exit 1; ` +
  `if [ "$4" != - ] && [ "$id" != "$4" ]; then echo "now $id, was $4" >&2; exit 49; fi; ` +
  // This shell's own mount table first (grep reads its files in order), then every process's, each line
  // prefixed with the file it came from; one grep, and a pid that exits meanwhile is skipped silently.
  `grep -Hs '' "$2/self/mountinfo" "$2"/[0-9]*/mountinfo | V=$1 DEV=\${id%%:*} SELF="$2/self/mountinfo:" awk '${FENCE_AWK}' >&2; rc=$?; [ "$rc" -eq 0 ] || exit $rc; ` +
  `find "$2"/[0-9]*/cwd "$2"/[0-9]*/fd -maxdepth 1 -type l -printf '%p\\t%l\\n' 2>/dev/null | V=$1 awk '${FD_AWK}' >&2 || exit 47; `;

/**
 * Deletes everything below $1, never crossing into another filesystem: $before the entries the deleting
 * find met, $rc its status, $after the entries still directly inside. Counted by the shell (the length
 * of one `x` per entry), not by a pipe into wc: on a fan-out the agent's process count is the cost.
 */
const DELETE_BELOW =
  `x=$(find "$1" -xdev -mindepth 1 -printf x -delete); rc=$?; before=\${#x}; ` +
  `x=$(find "$1" -mindepth 1 -maxdepth 1 -printf x); after=\${#x}; `;

/** DELETE_BELOW, then `<before> <after> <find status>` and, when something is left, up to 4 KiB of its NUL-terminated names. */
const DELETE_CONTENTS =
  `${DELETE_BELOW}printf '%s %s %s\\n' "$before" "$after" "$rc"; ` +
  `if [ "$after" -gt 0 ]; then find "$1" -mindepth 1 -maxdepth 1 -printf '%P\\0' | head -c 4096; fi`;

/**
 * Like deleteContents, then removes the emptied $1 itself with rmdir (never `rm -r`: a mount point or
 * anything left inside stops it). Prints `<before> <after> <status> <present>`, present = 1 when $1 is
 * still there, then up to 4 KiB of NUL-terminated names still inside.
 */
const REMOVE_DIRECTORY =
  `${DELETE_BELOW}` +
  `if [ "$after" -eq 0 ]; then rmdir -- "$1" || rc=$?; fi; ` +
  `if [ -e "$1" ] || [ -L "$1" ]; then present=1; else present=0; fi; ` +
  `printf '%s %s %s %s\\n' "$before" "$after" "$rc" "$present"; ` +
  `if [ "$present" -eq 1 ]; then find "$1" -mindepth 1 -maxdepth 1 -printf '%P\\0' | head -c 4096; fi`;

/** $o: what tar keeps of a file beyond its data (see `scripts.tar`). */
const TAR_OPTIONS = `o=--numeric-owner; if tar --xattrs --acls -cf - -T /dev/null >/dev/null 2>&1; then o="$o --xattrs --acls"; fi; `;

/** $n entries below $1 and $b bytes of its regular files, each inode once; one filesystem. */
const COUNT_ENTRIES =
  `x=$(find "$1" -xdev -mindepth 1 -printf x); n=\${#x}; ` +
  `b=$(find "$1" -xdev -mindepth 1 -type f -printf '%i %s\\n' | sort -u -k1,1 | awk '{ s += $2 } END { printf "%.0f", s }'); `;

/**
 * Per entry of the inspected tree, what this user may not do there: `d` a directory it cannot list, enter
 * or change (so cannot empty), `r` a file it cannot read (tar), `-` neither; access(2) decides, as for the
 * real delete. One find prints it with each entry's owner, depth, type, size, inode and link count.
 */
const INSPECT_ACCESS =
  `\\( -type d \\( ! -readable -o ! -writable -o ! -executable \\) -printf d -o ! -type d ! -type l ! -readable -printf r -o -printf - \\)`;

/**
 * Sums what INSPECT_ACCESS printed the way `du -sb --one-file-system` counts (apparent sizes of every
 * entry, the directory itself too; a non-directory with more links once per inode), counts the entries
 * below the directory, and tallies the blocked ones per kind and owner (the first 16 pairs seen, like
 * the cap before), plus the parent ($P: its owner when this user cannot change it, else -). Prints
 * `<bytes> <entries>| <count> <kind> <owner>…`, one process instead of du, a count and a sort pipeline.
 */
const INSPECT_AWK = String.raw`{ if ($3 > 0) n++; if ($4 == "d" || $7 < 2 || !($6 in seen)) b += $5; if ($4 != "d" && $7 > 1) seen[$6] = 1; if ($1 != "-") { k = $1 " " $2; if (!(k in c)) order[++m] = k; c[k]++ } }
END { printf "%.0f %d| ", b, n; for (i = 1; i <= m && i <= 16; i++) printf "%d %s ", c[order[i]], order[i]; if (ENVIRON["P"] != "-") printf "1 p %s ", ENVIRON["P"] }`;

export const scripts = {
  /** Follows symlinks (config files often are); absent or dangling → 44. */
  readFile: '[ -e "$1" ] || exit 44; exec cat -- "$1"',

  /** $1 the path, $2 its parent: two records, so a device change tells a mount point. Symlinks not followed. */
  stat: `[ -e "$1" ] || [ -L "$1" ] || exit 44; exec find "$1" "$2" -maxdepth 0 -printf '%y %D %i %s %m %T@\\n'`,

  /**
   * Many paths at once, as (path, parent) pairs. First `user <name> <uid>`: who the script runs as. Then
   * one line per pair: `absent`, or the two stat records (like `stat`) then `|` and, for a real directory,
   * its size and entry count (like `size`), `|` and what this user may not do there, as `<count> <kind>
   * <owner uid>` triples: `d` directories it cannot list, enter or change (so cannot empty), `r` files it
   * cannot read (tar), `p` the parent it cannot change (rmdir of the directory itself). No names are
   * printed, so odd file names cannot break the format; access(2) decides, as for the real delete.
   */
  inspect:
    `u=$(id -un 2>/dev/null) || u=\${USER:-?}; printf 'user %s %s\\n' "$u" "$(id -u)"; ` +
    `while [ $# -ge 2 ]; do p=$1; q=$2; shift 2; ` +
    `if [ ! -e "$p" ] && [ ! -L "$p" ]; then echo absent; continue; fi; ` +
    `s=$(find "$p" "$q" -maxdepth 0 -printf '%y %D %i %s %m %T@ ') || exit $?; ` +
    `if [ -d "$p" ] && [ ! -L "$p" ]; then ` +
    `if [ ! -w "$q" ] || [ ! -x "$q" ]; then pu=$(find "$q" -maxdepth 0 -printf %U); else pu=-; fi; ` +
    `t=$(find "$p" -xdev ${INSPECT_ACCESS} -printf ' %U %d %y %s %i %n\\n' 2>/dev/null | P=$pu awk '${INSPECT_AWK}'); ` +
    `printf '%s| %s\\n' "$s" "$t"; ` +
    `else printf '%s|\\n' "$s"; fi; done`,

  /** The directory itself first (empty name), then each entry: type, device, size, name; NUL-separated. */
  list: `${REQUIRE_REAL_DIRECTORY}exec find "$1" -maxdepth 1 -printf '%y\\0%D\\0%s\\0%P\\0'`,

  /** Apparent bytes (du -sb) and entry count, both without crossing into other filesystems. */
  size:
    `${REQUIRE_REAL_DIRECTORY}b=$(du -sb --one-file-system -- "$1") || exit $?; ` +
    `x=$(find "$1" -xdev -mindepth 1 -printf x); printf '%s %s\\n' "\${b%%[!0-9]*}" "\${#x}"`,

  /**
   * The archive goes to stdout, with numeric owners, modes and times, plus xattrs and ACLs where this
   * tar keeps them (GNU tar >= 1.27; probed, so an older tar still archives). After it, on stderr:
   * the entry count and regular-file bytes (each inode once, as tar stores hard links), the options
   * used and tar's version, one `key=value` line each.
   */
  tar:
    `${REQUIRE_REAL_DIRECTORY}${TAR_OPTIONS}${COUNT_ENTRIES}` +
    `tar -C "$1" --one-file-system $o -cf - . ; rc=$?; ` +
    `printf 'entries=%s\\nfilebytes=%s\\ntaropts=%s\\ntarversion=%s\\n' "$n" "$b" "$o" "$(tar --version 2>/dev/null | head -n 1)" >&2; exit $rc`,

  /**
   * Extracts the tar on stdin into $1 behind the fence (see FENCE: $1 dir, $2 proc root, $3 base, $4
   * device:inode or -), as root only (owners are given back: --same-owner --numeric-owner -p), and
   * only while $1 is empty — checked in this very command, right before tar starts. $5 `xattrs`: the
   * archive has xattrs/ACLs, restored where this tar can. Reports like `tar` (entries, file bytes).
   */
  restoreFenced:
    `[ "$(id -u)" -eq 0 ] || { echo "running as $(id -un 2>/dev/null || id -u), not root" >&2; exit 52; }; ` +
    `${FENCE}x=$(find "$1" -xdev -mindepth 1 -printf x); n=\${#x}; [ "$n" -eq 0 ] || { echo "$n entries are in it now" >&2; exit 51; }; ` +
    `o=--numeric-owner; if [ "$5" = xattrs ] && tar --xattrs --acls -cf - -T /dev/null >/dev/null 2>&1; then o="$o --xattrs --acls"; fi; ` +
    `tar -C "$1" -x --same-owner -p $o -f - ; rc=$?; ${COUNT_ENTRIES}` +
    `printf 'entries=%s\\nfilebytes=%s\\ntaropts=%s\\n' "$n" "$b" "$o" >&2; exit $rc`,

  /**
   * Deletes everything below $1 (dotfiles too: no glob is involved), never crossing into another
   * filesystem, keeping $1 itself. Prints `<before> <after> <find status>` then up to 4 KiB of
   * NUL-terminated names that are still there.
   */
  deleteContents: `${REQUIRE_REAL_DIRECTORY}${DELETE_CONTENTS}`,

  /** deleteContents behind the fence (see FENCE): $1 dir, $2 proc root, $3 base, $4 device:inode or -. */
  fencedDeleteContents: `${FENCE}${DELETE_CONTENTS}`,

  /**
   * Replaces a configuration file atomically, behind a fence: $1 the file, $2 the sha256 of the content the
   * edit was planned on (`-`: the file did not exist), $3 `b64:` + the new content. Refuses a symlink (45)
   * or anything but a regular file (46), and a file whose content is no longer the planned one (49). The
   * new content goes to a temporary file in the same directory with the old file's owner and mode (0644 for
   * a new file), then `mv` puts it in place. Prints the new sha256, then the file as re-read, in base64.
   */
  replaceFile:
    `p=$1; [ -L "$p" ] && { echo "$p is a symlink" >&2; exit 45; }; ` +
    `if [ -e "$p" ]; then [ -f "$p" ] || { echo "$p is not a regular file" >&2; exit 46; }; have=$(sha256sum < "$p") || exit 1; have=\${have%% *}; else have=-; fi; ` +
    `[ "$have" = "$2" ] || { echo "sha256 is now $have" >&2; exit 49; }; ` +
    `tmp=$(mktemp "\${p%/*}/.stateful-ops-fix.XXXXXX") || exit 1; ` +
    `if printf '%s' "\${3#b64:}" | base64 -d > "$tmp" && ` +
    `{ if [ "$have" = - ]; then chmod 0644 "$tmp"; else chown --reference="$p" -- "$tmp" && chmod --reference="$p" -- "$tmp"; fi; } && ` +
    `mv -f -- "$tmp" "$p"; then :; else rc=$?; rm -f -- "$tmp"; exit $rc; fi; ` +
    `n=$(sha256sum < "$p") || exit 1; printf '%s\n' "\${n%% *}"; base64 -w0 < "$p"; echo`,

  /** `systemctl restart $1`: systemd's own exit status and messages. */
  restartUnit: 'exec systemctl restart -- "$1"',

  /** See REMOVE_DIRECTORY. */
  removeDirectory: `${REQUIRE_REAL_DIRECTORY}${REMOVE_DIRECTORY}`,

  /** removeDirectory behind the fence (see FENCE): $1 dir, $2 proc root, $3 base, $4 device:inode or -. */
  fencedRemoveDirectory: `${FENCE}${REMOVE_DIRECTORY}`,
} as const;


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

/** What `tar` and `restoreFenced` report after their work; undefined when the report is missing. */
export interface TarReport {
  entries: number;
  fileBytes: number;
  options: string[];
  version?: string;
}

export function parseTarReport(stderr: string): TarReport | undefined {
  const value = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(stderr)?.[1];
  const entries = value('entries');
  const fileBytes = value('filebytes');
  if (entries === undefined || !/^\d+$/.test(entries) || fileBytes === undefined || !/^\d+$/.test(fileBytes)) return undefined;
  const version = value('tarversion');
  const report: TarReport = { entries: Number(entries), fileBytes: Number(fileBytes), options: (value('taropts') ?? '').split(' ').filter(Boolean) };
  if (version !== undefined) report.version = version;
  return report;
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
  /** For a real directory; a lower bound when `access` shows parts this user cannot read. */
  size?: { bytes: number; entries: number };
  /** For a real directory: who looked and what that user may not do below it. */
  access?: PathAccess;
}

export interface PathAccess {
  /** The agent-side user the scripts ran as (`root` with --sudo). */
  user: string;
  uid: number;
  blocked: { kind: 'directory' | 'file' | 'parent'; ownerUid: number; count: number }[];
}

const BLOCK_KINDS = { d: 'directory', r: 'file', p: 'parent' } as const;

export function parseInspect(stdout: string, count: number): InspectedPath[] {
  const [header = '', ...lines] = stdout.split('\n').filter((l) => l !== '');
  const who = /^user (\S+) (\d+)$/.exec(header);
  if (!who) throw new Error(`unexpected inspect output: no user line`);
  if (lines.length !== count) throw new Error(`unexpected inspect output: ${lines.length} records for ${count} paths`);
  return lines.map((line) => {
    if (line === 'absent') return { stat: null };
    const [stats = '', size = '', perm] = line.split('|');
    const words = stats.trim().split(' ');
    const stat = parseStat(`${words.slice(0, 6).join(' ')}\n${words.slice(6, 12).join(' ')}`);
    const m = /^\s*(\d+) (\d+)\s*$/.exec(size);
    const result: InspectedPath = m ? { stat, size: { bytes: Number(m[1]), entries: Number(m[2]) } } : { stat };
    if (perm !== undefined) result.access = { user: who[1] as string, uid: Number(who[2]), blocked: parseBlocked(perm) };
    return result;
  });
}

function parseBlocked(text: string): PathAccess['blocked'] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const blocked: PathAccess['blocked'] = [];
  for (let i = 0; i + 2 < words.length; i += 3) {
    const kind = BLOCK_KINDS[words[i + 1] as keyof typeof BLOCK_KINDS];
    if (kind === undefined) throw new Error(`unexpected inspect output: access ${JSON.stringify(text.slice(0, 80))}`);
    blocked.push({ kind, ownerUid: Number(words[i + 2]), count: Number(words[i]) });
  }
  return blocked;
}
