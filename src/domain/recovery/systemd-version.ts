/**
 * Which systemd reads the agent's unit, and the rules that differ between the versions DC/OS runs on:
 * CentOS/RHEL 7 ship 219, RHEL 8 ships 239, RHEL 9 / Debian 12 ship 252, current distributions ≥ 254.
 * Sources: redhat-plumbers/systemd-rhel7 and systemd-rhel8 (src/shared|basic/fileio.c parse_env_file_internal,
 * env-util.c env_value_is_valid, shared/dropin.c unit_file_find_dirs), systemd/systemd src/basic/env-file.c.
 * A version between two modelled ones follows the older one (the rule changes came with the later release).
 */

export type SystemdModel = '219' | '239' | '252' | '254';

export interface SystemdRules {
  /** The release whose behaviour is modelled. */
  model: SystemdModel;
  /** The version the agent reported (or `--systemd` gave). */
  version: number;
  /** In '…' and "…", a backslash takes the next character literally and is dropped (< 241: `'it\'s'` → `it's`). */
  quotesDropBackslash: boolean;
  /** Control characters a value may hold; a value with any other is dropped whole. `all`: none is refused. */
  valueControlChars: 'tab' | 'tab-newline' | 'all';
  /** A line after a comment ending in `\` is part of that comment (< 254) rather than read on its own. */
  commentContinuationSwallows: boolean;
  /** `dcos-mesos-.service.d/`, `dcos-.service.d/` and `service.d/` drop-ins are read too (239 as RHEL 8 ships it, 252+). */
  prefixDropIns: boolean;
  /** `RestartSec=` (empty): < 252 resets to the default; 252+ refuses it and keeps the earlier value. */
  emptyRestartSecKeepsPrevious: boolean;
  /** Unit directories searched for drop-ins, highest priority first (generator directories left out). */
  unitDirs: string[];
}

export const NEWEST_SYSTEMD = 257;
const UNIT_DIRS_219 = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system'];
const UNIT_DIRS_239 = [
  '/etc/systemd/system.control',
  '/run/systemd/system.control',
  '/run/systemd/transient',
  '/etc/systemd/system',
  '/etc/systemd/system.attached',
  '/run/systemd/system',
  '/run/systemd/system.attached',
  '/usr/local/lib/systemd/system',
  '/usr/lib/systemd/system',
];

/** The number in `systemctl --version`'s first line (`systemd 219`, `systemd 252 (252.38-1~deb12u1)`). */
export function parseSystemctlVersion(line: string): number | undefined {
  const m = /^systemd (\d+)\b/.exec(line.trim());
  return m ? Number(m[1]) : undefined;
}

export function systemdRules(version: number): SystemdRules {
  const model: SystemdModel = version >= 254 ? '254' : version >= 252 ? '252' : version >= 239 ? '239' : '219';
  return {
    model,
    version,
    quotesDropBackslash: version < 241,
    valueControlChars: version < 239 ? 'tab' : version < 248 ? 'tab-newline' : 'all',
    commentContinuationSwallows: version < 254,
    prefixDropIns: version >= 239,
    emptyRestartSecKeepsPrevious: version >= 252,
    unitDirs: version >= 239 ? UNIT_DIRS_239 : UNIT_DIRS_219,
  };
}

/** `219`, `239 (rules of 239)`, `246 (rules of 239)`: how output names the systemd in use. */
export function describeSystemd(rules: SystemdRules): string {
  return String(rules.version) === rules.model ? `systemd ${rules.version}` : `systemd ${rules.version} (read with the rules of ${rules.model})`;
}

/**
 * The directories whose `*.conf` files are drop-ins of `unit`, in systemd's order: for each unit directory the
 * unit's own `.d`, then (239+) its dash-truncated prefixes (`dcos-mesos-slave.service` → `dcos-mesos-.service.d`,
 * `dcos-.service.d`); after all of them the top-level `service.d` of each directory.
 */
export function dropInDirs(unit: string, rules: SystemdRules): string[] {
  const dot = unit.lastIndexOf('.');
  const base = unit.slice(0, dot);
  const type = unit.slice(dot + 1);
  const names = [unit];
  if (rules.prefixDropIns) {
    for (let i = base.lastIndexOf('-', base.length - 2); i > 0; i = base.lastIndexOf('-', i - 1)) names.push(`${base.slice(0, i + 1)}.${type}`);
  }
  const dirs = rules.unitDirs.flatMap((dir) => names.map((n) => `${dir}/${n}.d`));
  if (rules.prefixDropIns) dirs.push(...rules.unitDirs.map((dir) => `${dir}/${type}.d`));
  return dirs;
}

/**
 * The drop-in files systemd applies, in order: every `*.conf` of those directories, one per file name (the
 * earliest directory's copy masks the others), sorted by file name.
 */
export function orderDropIns(listed: readonly { dir: string; names: readonly string[] }[]): string[] {
  const byName = new Map<string, string>();
  for (const { dir, names } of listed) {
    for (const name of names) if (name.endsWith('.conf') && !byName.has(name)) byName.set(name, `${dir}/${name}`);
  }
  return [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((name) => byName.get(name) as string);
}
