import { isValidEnvName } from './env-file.js';
import { NEWEST_SYSTEMD, systemdRules, type SystemdRules } from './systemd-version.js';

/**
 * The parts of a systemd service unit that decide the agent's environment and restart behaviour:
 * EnvironmentFile=, Environment=, ExecStart=, KillMode=, RestartSec= in [Service], over the unit and
 * its drop-ins in order (a later assignment wins; an empty one resets a list or restores the default).
 * Syntax per systemd.syntax(7): `#`/`;` comment lines, a trailing `\` joins the next line.
 */

export interface UnitSource {
  path: string;
  text: string;
}

export interface Located<T> {
  value: T;
  file: string;
  line: number;
}

export interface EnvironmentFileRef {
  path: string;
  /** `-` prefix: a missing file is fine. */
  optional: boolean;
  file: string;
  line: number;
}

export interface UnitConfig {
  environmentFiles: EnvironmentFileRef[];
  /** Environment= assignments, in order (EnvironmentFile= values override them). */
  environment: Located<{ key: string; value: string }>[];
  /** The ExecStart= command line without its special prefixes; null when none is set. */
  execStart: Located<string> | null;
  /** The last KillMode= as written (an invalid one included, for messages); null: not set. */
  killMode: Located<string> | null;
  /** The KillMode= systemd uses: an invalid assignment is ignored and the earlier valid one stays; null: the default. */
  killModeEffective: Located<string> | null;
  restartSec: Located<string> | null;
  /** Lines systemd would reject with a warning (kept for messages, not rules). */
  problems: Located<string>[];
}

interface Directive {
  section: string;
  key: string;
  value: string;
  file: string;
  line: number;
}

/** Directives of one unit file, continuation lines joined, with the line each starts on. */
export function unitDirectives(source: UnitSource): Directive[] {
  const lines = source.text.split(/\r?\n/);
  const out: Directive[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1;
    let text = (lines[i] as string).trim();
    if (text === '' || text.startsWith('#') || text.startsWith(';')) continue;
    while (text.endsWith('\\') && i + 1 < lines.length) {
      i++;
      const next = (lines[i] as string).trim();
      // Comment lines inside a continued line are skipped, as systemd does.
      if (next.startsWith('#') || next.startsWith(';')) continue;
      text = `${text.slice(0, -1)} ${next}`;
    }
    if (text.endsWith('\\')) text = text.slice(0, -1);
    const header = /^\[([^\]]+)\]$/.exec(text);
    if (header) {
      section = header[1] as string;
      continue;
    }
    const eq = text.indexOf('=');
    if (eq < 0) continue;
    out.push({ section, key: text.slice(0, eq).trim(), value: text.slice(eq + 1).trim(), file: source.path, line: startLine });
  }
  return out;
}

export const VALID_KILL_MODES = ['control-group', 'mixed', 'process', 'none'] as const;

/** The unit's effective service settings, as this systemd reads them: the unit file first, then each drop-in. */
export function parseUnit(sources: readonly UnitSource[], rules: SystemdRules = systemdRules(NEWEST_SYSTEMD)): UnitConfig {
  const config: UnitConfig = { environmentFiles: [], environment: [], execStart: null, killMode: null, killModeEffective: null, restartSec: null, problems: [] };
  for (const d of sources.flatMap(unitDirectives)) {
    if (d.section !== 'Service') continue;
    const at = { file: d.file, line: d.line };
    switch (d.key) {
      case 'EnvironmentFile': {
        if (d.value === '') {
          config.environmentFiles = [];
          break;
        }
        const optional = d.value.startsWith('-');
        const path = optional ? d.value.slice(1) : d.value;
        if (!path.startsWith('/')) config.problems.push({ value: `EnvironmentFile=${d.value} is not an absolute path: ignored`, ...at });
        else config.environmentFiles.push({ path, optional, ...at });
        break;
      }
      case 'Environment':
        if (d.value === '') config.environment = [];
        for (const word of splitCommandLine(d.value)) {
          const eq = word.indexOf('=');
          if (eq <= 0) config.problems.push({ value: `Environment= '${word}' is not KEY=VALUE: ignored`, ...at });
          else if (!isValidEnvName(word.slice(0, eq))) config.problems.push({ value: `Environment= '${word}': '${word.slice(0, eq)}' is not a valid variable name, systemd ignores it`, ...at });
          else config.environment.push({ value: { key: word.slice(0, eq), value: word.slice(eq + 1) }, ...at });
        }
        break;
      case 'ExecStart':
        config.execStart = d.value === '' ? null : { value: d.value.replace(/^[-@:+!]+/, ''), ...at };
        break;
      case 'KillMode':
        config.killMode = d.value === '' ? null : { value: d.value, ...at };
        if (d.value === '') config.killModeEffective = null;
        else if ((VALID_KILL_MODES as readonly string[]).includes(d.value)) config.killModeEffective = { value: d.value, ...at };
        else config.problems.push({ value: `KillMode=${d.value} is invalid: systemd ignores it and keeps ${config.killModeEffective?.value ?? 'the default, control-group'}`, ...at });
        break;
      case 'RestartSec':
        if (d.value !== '') config.restartSec = { value: d.value, ...at };
        else if (!rules.emptyRestartSecKeepsPrevious) config.restartSec = null;
        else config.problems.push({ value: `RestartSec= (empty) is refused by systemd ${rules.version}: the earlier value stays`, ...at });
        break;
    }
  }
  return config;
}

/** Words of a systemd command line: blanks separate, '…' and "…" group, a backslash escapes the next character. */
export function splitCommandLine(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote !== null) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i] as string;
      else word += c;
    } else if (c === ' ' || c === '\t') {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + (text[++i] as string);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** systemd expands `${NAME}` and `$NAME` in ExecStart= from the unit's environment; unknown names become empty. */
export function expandVariables(word: string, env: ReadonlyMap<string, string>): string {
  return word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced?: string, bare?: string) => {
    return env.get((braced ?? bare) as string) ?? '';
  });
}

export interface CommandLineFlag {
  name: string;
  value: string;
}

/**
 * `--name=value`, `--name` (true) and `--no-name` (false), as the agent's flag loader reads them;
 * everything after a bare `--` is not a flag.
 */
export function mesosFlagsOf(words: readonly string[]): CommandLineFlag[] {
  const flags: CommandLineFlag[] = [];
  for (const word of words) {
    if (word === '--') break;
    if (!word.startsWith('--')) continue;
    const eq = word.indexOf('=');
    if (eq >= 0) flags.push({ name: word.slice(2, eq), value: word.slice(eq + 1) });
    else if (word.startsWith('--no-')) flags.push({ name: word.slice(5), value: 'false' });
    else flags.push({ name: word.slice(2), value: 'true' });
  }
  return flags;
}

/** Where pkgpanda installs the DC/OS agent units (../shared/reference/mesos-dcos/README.md §h). */
export const SYSTEMD_UNIT_DIR = '/etc/systemd/system';
export const DCOS_AGENT_UNITS = { private: 'dcos-mesos-slave.service', public: 'dcos-mesos-slave-public.service' } as const;

/** Where every DC/OS node records its version (`{"version": "2.2.5", …}`). */
export const DCOS_VERSION_FILE = '/dcos-metadata/dcos-version.json';

/** The `version` of dcos-version.json, or null when the text is not that file. */
export function dcosVersionOf(text: string): string | null {
  try {
    const v = (JSON.parse(text) as { version?: unknown } | null)?.version;
    return typeof v === 'string' && /^\d+\.\d+/.test(v) ? v : null;
  } catch {
    return null;
  }
}

/** DC/OS before 1.12 (branches 1.10, 1.11) has no `agent[-public].env` line: 8 EnvironmentFiles, not 9. */
function hasAgentEnvFile(dcosVersion: string | null): boolean {
  if (dcosVersion === null) return true;
  const [major = 0, minor = 0] = dcosVersion.split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 12);
}

/**
 * The EnvironmentFile= order of the DC/OS agent units (1.12+: 9 files, 1.10/1.11: 8), for when the unit itself
 * is not at hand; an unknown version (null) is taken as 1.12+.
 */
export function dcosAgentEnvironmentFiles(isPublic: boolean, dcosVersion: string | null = null): { path: string; optional: boolean }[] {
  const role = isPublic ? '-public' : '';
  const files = [
    { path: '/opt/mesosphere/environment', optional: false },
    { path: '/opt/mesosphere/etc/mesos-slave-common', optional: false },
    { path: `/opt/mesosphere/etc/mesos-slave${role}`, optional: false },
    { path: '/opt/mesosphere/etc/proxy.env', optional: false },
    { path: '/opt/mesosphere/etc/mesos-slave-common-extras', optional: true },
    { path: '/var/lib/dcos/mesos-slave-common', optional: true },
    { path: '/var/lib/dcos/mesos-resources', optional: true },
    { path: `/run/dcos/etc/mesos-slave${role}`, optional: true },
    { path: `/etc/mesosphere/mesos/agent${role}.env`, optional: true },
  ];
  return hasAgentEnvFile(dcosVersion) ? files : files.slice(0, 8);
}
