import { isValidEnvName, parseEnvironmentFile } from './env-file.js';
import { SETTINGS, parseSettingValue, settingOfEnvName, type ParsedValue, type SettingName } from './settings.js';
import { NEWEST_SYSTEMD, systemdRules, type SystemdRules } from './systemd-version.js';
import { expandVariables, mesosFlagsOf, splitCommandLine, type Located, type UnitConfig } from './unit-file.js';

/**
 * What the agent really starts with: Environment= first, then each EnvironmentFile= in unit order
 * (a later file wins), then the flags on ExecStart (a command-line flag beats the environment), and
 * Mesos's own default for whatever nothing sets (../shared/reference/mesos-dcos/README.md §a, §h, §i).
 */

export type Origin =
  | { kind: 'file'; file: string; line: number; /** A DC/OS-generated file (/opt/mesosphere/…): the DC/OS default. */ generated: boolean }
  | { kind: 'unit-environment'; file: string; line: number }
  | { kind: 'command-line'; file: string; line: number }
  | { kind: 'mesos-default' };

export interface EffectiveSetting {
  name: SettingName;
  /** The text the agent gets. */
  raw: string;
  parsed: ParsedValue;
  origin: Origin;
  /** The variable or flag as written, for messages: `MESOS_RECOVER`, `--strict`. */
  writtenAs: string | null;
}

export interface EnvFileInput {
  path: string;
  optional: boolean;
  /** null: the file does not exist. */
  text: string | null;
  /** The EnvironmentFile= line that names it (absent when the file was given directly). */
  declaredAt?: { file: string; line: number };
}

export interface IgnoredSettingLine {
  file: string;
  line: number;
  setting: SettingName;
  text: string;
  reason: string;
}

export interface Layered {
  settings: Record<SettingName, EffectiveSetting>;
  /** Lines that look like they set a recovery setting but never reach the agent. */
  ignoredLines: IgnoredSettingLine[];
  missingFiles: EnvFileInput[];
  /** The whole environment the agent gets, for ExecStart expansion and display. */
  environment: Map<string, Located<string> & { origin: Origin }>;
}

export function isGeneratedFile(path: string): boolean {
  return path.startsWith('/opt/mesosphere/');
}

export function layerSettings(input: {
  unit: Pick<UnitConfig, 'environment' | 'execStart'> | null;
  envFiles: readonly EnvFileInput[];
  /** The systemd reading the files (default: the newest). */
  systemd?: SystemdRules;
}): Layered {
  const rules = input.systemd ?? systemdRules(NEWEST_SYSTEMD);
  const environment: Layered['environment'] = new Map();
  const ignoredLines: IgnoredSettingLine[] = [];
  const missingFiles: EnvFileInput[] = [];
  for (const e of input.unit?.environment ?? []) {
    if (!isValidEnvName(e.value.key)) continue;
    const origin: Origin = { kind: 'unit-environment', file: e.file, line: e.line };
    environment.delete(e.value.key); // re-insert: insertion order is assignment order
    environment.set(e.value.key, { value: e.value.value, file: e.file, line: e.line, origin });
  }
  for (const f of input.envFiles) {
    if (f.text === null) {
      missingFiles.push(f);
      continue;
    }
    const parsed = parseEnvironmentFile(f.text, rules);
    for (const a of parsed.assignments) {
      const origin: Origin = { kind: 'file', file: f.path, line: a.line, generated: isGeneratedFile(f.path) };
      environment.delete(a.key);
      environment.set(a.key, { value: a.value, file: f.path, line: a.line, origin });
    }
    // Before 254 the line after a comment ending in `\\` is part of the comment: say so when it looks like a setting.
    for (const swallowed of parsed.swallowed) {
      for (const a of parseEnvironmentFile(swallowed.text, rules).assignments) {
        const setting = settingOfEnvName(a.key);
        if (!setting) continue;
        ignoredLines.push({
          file: f.path,
          line: swallowed.line,
          setting,
          text: `${a.key}=${a.value}`,
          reason: `follows a comment line ending in '\\': systemd ${rules.version} reads it as part of that comment and ignores it (254 and later read it)`,
        });
      }
    }
    for (const ignored of parsed.ignored) {
      const setting = settingOfEnvName(ignored.key.replace(/^export\s+/, ''));
      if (!setting) continue;
      const reason = /^export\s/.test(ignored.key)
        ? "'export' is shell syntax, not EnvironmentFile syntax: systemd ignores the whole line"
        : `${ignored.reason}: systemd ignores the line`;
      ignoredLines.push({ file: f.path, line: ignored.line, setting, text: ignored.key, reason });
    }
  }

  const settings = {} as Record<SettingName, EffectiveSetting>;
  for (const spec of SETTINGS) {
    settings[spec.name] = { name: spec.name, raw: spec.mesosDefault, parsed: parseSettingValue(spec.name, spec.mesosDefault), origin: { kind: 'mesos-default' }, writtenAs: null };
  }
  // Map order is assignment order, so the last spelling assigned (MESOS_STRICT vs MESOS_strict) wins.
  for (const [key, entry] of environment) {
    const name = settingOfEnvName(key);
    if (name) settings[name] = { name, raw: entry.value, parsed: parseSettingValue(name, entry.value), origin: entry.origin, writtenAs: key };
  }
  const exec = input.unit?.execStart;
  if (exec) {
    const env = new Map([...environment].map(([k, v]) => [k, v.value]));
    const words = splitCommandLine(exec.value).map((w) => expandVariables(w, env));
    for (const flag of mesosFlagsOf(words)) {
      const spec = SETTINGS.find((s) => s.name === flag.name);
      if (!spec) continue;
      settings[spec.name] = {
        name: spec.name,
        raw: flag.value,
        parsed: parseSettingValue(spec.name, flag.value),
        origin: { kind: 'command-line', file: exec.file, line: exec.line },
        writtenAs: `--${flag.name}`,
      };
    }
  }
  return { settings, ignoredLines, missingFiles, environment };
}

/** `file:line` of an origin, or null for a built-in default. */
export function locationOf(origin: Origin): string | null {
  return origin.kind === 'mesos-default' ? null : `${origin.file}:${origin.line}`;
}

/** For people: `/var/lib/dcos/mesos-slave-common:2`, `DC/OS default, /opt/…:19`, `Mesos default`. */
export function describeOrigin(origin: Origin): string {
  switch (origin.kind) {
    case 'mesos-default':
      return 'Mesos default';
    case 'file':
      return origin.generated ? `DC/OS default, ${origin.file}:${origin.line}` : `${origin.file}:${origin.line}`;
    case 'unit-environment':
      return `${origin.file}:${origin.line} (Environment=)`;
    case 'command-line':
      return `${origin.file}:${origin.line} (ExecStart flag)`;
  }
}
