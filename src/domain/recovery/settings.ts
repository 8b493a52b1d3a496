import { formatMesosDuration, mesosDurationProblem, parseMesosDuration, sameMesosDuration } from './duration.js';

/**
 * The agent flags that decide whether tasks survive a mesos-agent restart
 * (../shared/reference/mesos-dcos/README.md §a), and how Mesos reads their text.
 */

export type SettingName = 'strict' | 'recover' | 'recovery_timeout' | 'reconfiguration_policy' | 'executor_reregistration_timeout';

export interface SettingSpec {
  name: SettingName;
  kind: 'bool' | 'duration' | 'enum';
  /** Exact, case-sensitive choices of an enum flag. */
  choices?: readonly string[];
  /** What Mesos uses when nothing sets the flag. */
  mesosDefault: string;
  /** The largest duration the agent accepts at start-up. */
  max?: string;
}

export const SETTINGS: readonly SettingSpec[] = [
  { name: 'strict', kind: 'bool', mesosDefault: 'true' },
  { name: 'recover', kind: 'enum', choices: ['reconnect', 'cleanup'], mesosDefault: 'reconnect' },
  { name: 'recovery_timeout', kind: 'duration', mesosDefault: '15mins' },
  { name: 'reconfiguration_policy', kind: 'enum', choices: ['equal', 'additive'], mesosDefault: 'equal' },
  { name: 'executor_reregistration_timeout', kind: 'duration', mesosDefault: '2secs', max: '15secs' },
];

export const SETTING_NAMES: readonly SettingName[] = SETTINGS.map((s) => s.name);

export function settingSpec(name: SettingName): SettingSpec {
  return SETTINGS.find((s) => s.name === name) as SettingSpec;
}

const ENV_PREFIX = 'MESOS_';

/** Mesos takes `MESOS_` exactly, then lower-cases the rest: `MESOS_recovery_timeout` works, `mesos_…` does not. */
export function settingOfEnvName(key: string): SettingName | undefined {
  if (!key.startsWith(ENV_PREFIX)) return undefined;
  const name = key.slice(ENV_PREFIX.length).toLowerCase();
  return SETTING_NAMES.find((n) => n === name);
}

export function envNameOf(name: SettingName): string {
  return `${ENV_PREFIX}${name.toUpperCase()}`;
}

export type ParsedValue =
  | { ok: true; value: boolean | number | string; /** Canonical text, as `/flags` would print it. */ canonical: string }
  | { ok: false; problem: string };

/** The value as Mesos would load it, or why the agent would refuse to start with it. */
export function parseSettingValue(name: SettingName, raw: string): ParsedValue {
  const spec = settingSpec(name);
  if (raw.startsWith('file://')) return { ok: false, problem: 'read from a file when the agent starts (not checked)' };
  switch (spec.kind) {
    case 'bool':
      // stout: only these exact spellings; an empty value means true (a bare `--strict`).
      if (raw === 'true' || raw === '1' || raw === '') return { ok: true, value: true, canonical: 'true' };
      if (raw === 'false' || raw === '0') return { ok: true, value: false, canonical: 'false' };
      return { ok: false, problem: `'${raw}' is not a Mesos boolean (only true, false, 1, 0)` };
    case 'duration': {
      const problem = mesosDurationProblem(raw);
      if (problem !== undefined) return { ok: false, problem: `'${raw}' is not a Mesos duration: ${problem}` };
      const ns = parseMesosDuration(raw) as number;
      if (spec.max !== undefined && ns > (parseMesosDuration(spec.max) as number)) return { ok: false, problem: `'${raw}' is above the ${spec.max} Mesos allows for ${name}` };
      return { ok: true, value: ns, canonical: formatMesosDuration(ns) };
    }
    case 'enum':
      if (spec.choices?.includes(raw)) return { ok: true, value: raw, canonical: raw };
      return { ok: false, problem: `unknown option '${raw}' for '${name}' (choices: ${spec.choices?.join(', ')})` };
  }
}

/**
 * Equal as Mesos sees them: `24hrs` equals `1days`, `1` equals `true`, and a file's `170hrs` equals the
 * `1.01190476190476weeks` the agent prints for it (durations compare by the agent's printing, see duration.ts).
 */
export function sameSettingValue(name: SettingName, a: string, b: string): boolean {
  const pa = parseSettingValue(name, a);
  const pb = parseSettingValue(name, b);
  if (!pa.ok || !pb.ok) return a === b;
  return settingSpec(name).kind === 'duration' ? sameMesosDuration(a, b) : pa.value === pb.value;
}

/** A value read from a file at start-up (`file:///…`) cannot be judged from here. */
export function isFileReference(raw: string): boolean {
  return raw.startsWith('file://');
}
