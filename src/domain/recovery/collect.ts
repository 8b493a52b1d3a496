import type { EnvFileInput } from './layering.js';
import { fileUnreadable, unitNotFound, type Finding } from './rules.js';
import { NEWEST_SYSTEMD, dropInDirs, orderDropIns, parseSystemctlVersion, systemdRules, type SystemdRules } from './systemd-version.js';
import {
  DCOS_AGENT_UNITS,
  DCOS_VERSION_FILE,
  SYSTEMD_UNIT_DIR,
  dcosAgentEnvironmentFiles,
  dcosVersionOf,
  parseUnit,
  type UnitConfig,
  type UnitSource,
} from './unit-file.js';

/**
 * What systemd would hand the agent: the unit it starts, its drop-ins in systemd's order and the
 * EnvironmentFiles they name, read through a ConfigReader (over SSH from a live agent, from a local copy,
 * or the mock agent's own root), in as few rounds as the files allow. Reading is the reader's; this decides
 * what to read next and what it means.
 */

/** What one path held: a file's text, a directory's entry names, nothing, or something we may not read. */
export type PathContent =
  | { kind: 'file'; text: string }
  | { kind: 'directory'; names: string[] }
  | { kind: 'absent' }
  | { kind: 'unreadable'; reason: string };

/** Reads many agent paths in one round trip. */
export interface ConfigReader {
  read(paths: readonly string[]): Promise<Map<string, PathContent>>;
  /** The first line of the agent's `systemctl --version` (read with the first paths); null: none answered. */
  systemctlVersion(): string | null;
}

export interface CollectedConfig {
  unitPath: string | null;
  dropIns: string[];
  unit: UnitConfig | null;
  envFiles: EnvFileInput[];
  readFindings: Finding[];
  systemd: SystemdRules;
  systemdSource: 'agent' | 'option' | 'default';
  dcosVersion: string | null;
}

const UNIT_PATHS = [DCOS_AGENT_UNITS.private, DCOS_AGENT_UNITS.public].map((u) => `${SYSTEMD_UNIT_DIR}/${u}`);
/** Read in the first round on speculation: what a DC/OS agent's unit names, private or public. */
const STANDARD_ENV_FILES = [...new Set([...dcosAgentEnvironmentFiles(false), ...dcosAgentEnvironmentFiles(true)].map((f) => f.path))];

/** Every directory any modelled systemd reads drop-ins of either unit from (a superset: read before the version is known). */
const ALL_DROP_IN_DIRS = [...new Set(UNIT_PATHS.flatMap((u) => dropInDirs(u.split('/').pop() as string, systemdRules(NEWEST_SYSTEMD))))];

/**
 * Round 1 reads the systemd version, the DC/OS version, both possible units, every drop-in directory and every
 * EnvironmentFile a DC/OS unit names; round 2, only when needed, the drop-ins and files the unit adds; round 3
 * files only drop-ins add. `systemd` (--systemd) overrides the agent's own version.
 */
export async function collectAgentConfig(
  reader: ConfigReader,
  o: { preferPublic?: boolean; offline: boolean; systemd?: number },
): Promise<CollectedConfig> {
  const contents = new Map<string, PathContent>();
  const fetch = async (paths: string[]) => {
    const missing = [...new Set(paths)].filter((p) => !contents.has(p));
    if (missing.length === 0) return;
    for (const [path, content] of await reader.read(missing)) contents.set(path, content);
  };
  const text = (path: string) => {
    const c = contents.get(path);
    return c?.kind === 'file' ? c.text : null;
  };
  await fetch([...UNIT_PATHS, ...ALL_DROP_IN_DIRS, DCOS_VERSION_FILE, ...STANDARD_ENV_FILES]);
  const reported = parseSystemctlVersion(reader.systemctlVersion() ?? '');
  const systemdSource = o.systemd !== undefined ? 'option' : reported !== undefined ? 'agent' : 'default';
  const systemd = systemdRules(o.systemd ?? reported ?? NEWEST_SYSTEMD);
  const dcosVersion = text(DCOS_VERSION_FILE) === null ? null : dcosVersionOf(text(DCOS_VERSION_FILE) as string);

  const present = UNIT_PATHS.filter((u) => ['file', 'unreadable'].includes(contents.get(u)?.kind ?? ''));
  const unitPath = present.length > 1 ? (UNIT_PATHS[o.preferPublic ? 1 : 0] as string) : (present[0] ?? null);
  let unit: UnitConfig | null = null;
  let dropIns: string[] = [];
  if (unitPath !== null && text(unitPath) !== null) {
    const listed = dropInDirs(unitPath.split('/').pop() as string, systemd).flatMap((dir) => {
      const c = contents.get(dir);
      return c?.kind === 'directory' ? [{ dir, names: c.names }] : [];
    });
    dropIns = orderDropIns(listed);
    const main = parseUnit([{ path: unitPath, text: text(unitPath) as string }], systemd);
    await fetch([...dropIns, ...main.environmentFiles.map((f) => f.path)]);
    const sources: UnitSource[] = [unitPath, ...dropIns].flatMap((path) => (text(path) === null ? [] : [{ path, text: text(path) as string }]));
    unit = parseUnit(sources, systemd);
    await fetch(unit.environmentFiles.map((f) => f.path));
  }
  const declared: Omit<EnvFileInput, 'text'>[] = unit
    ? unit.environmentFiles.map((f) => ({ path: f.path, optional: f.optional, declaredAt: { file: f.file, line: f.line } }))
    : dcosAgentEnvironmentFiles(o.preferPublic ?? false, dcosVersion);

  const readFindings: Finding[] = unitPath === null ? [unitNotFound(SYSTEMD_UNIT_DIR, o.offline)] : [];
  for (const path of [...(unitPath ? [unitPath] : []), ...dropIns]) {
    const c = contents.get(path);
    if (c?.kind === 'unreadable') readFindings.push(fileUnreadable(path, c.reason, undefined));
  }
  const envFiles: EnvFileInput[] = [];
  for (const f of declared) {
    const c = contents.get(f.path);
    if (c?.kind === 'unreadable') readFindings.push(fileUnreadable(f.path, c.reason, f.declaredAt));
    else if (c?.kind === 'directory') readFindings.push(fileUnreadable(f.path, 'it is a directory', f.declaredAt));
    else envFiles.push({ ...f, text: c?.kind === 'file' ? c.text : null });
  }
  return { unitPath: unit ? unitPath : null, dropIns, unit, envFiles, readFindings, systemd, systemdSource, dcosVersion };
}
