import { NS_PER_SECOND, formatMesosDuration } from './duration.js';
import { describeOrigin, locationOf, type EffectiveSetting, type Layered } from './layering.js';
import { envNameOf, isFileReference, sameSettingValue, settingSpec, SETTINGS, type SettingName } from './settings.js';
import { DEFAULT_RESTART_SEC_MS, formatMs, parseSystemdTimeSpanMs } from './systemd-time.js';
import { VALID_KILL_MODES, type Located } from './unit-file.js';
import type { ReregistrationWindow } from './window.js';
import type { Finding as SharedFinding } from '../finding.js';

/**
 * The recovery rules: each finding has a rule id, a severity, a one-line reason, a remedy and, whenever
 * a file decides the matter, the file:line that does.
 */

export { SEVERITY_RANK, worstSeverity, type Severity } from '../finding.js';

export type RuleId =
  | 'strict-false'
  | 'recover-cleanup'
  | 'invalid-value'
  | 'value-from-file'
  | 'recovery-timeout-short'
  | 'recovery-timeout-long'
  | 'restart-exceeds-window'
  | 'killmode'
  | 'drift'
  | 'ignored-line'
  | 'env-file-missing'
  | 'unreadable'
  | 'unit-not-found'
  | 'checkpoint-off';

/** The shared finding (`location`: the `file:line` that decides it, the endpoint for a cluster fact). */
export interface Finding extends SharedFinding {
  rule: RuleId;
  /** The setting concerned (`recovery_timeout`, `KillMode`…), when there is one. */
  setting: string | null;
}

/** Below this (Mesos's own default) a slow restart outlasts the timeout. */
export const RECOVERY_TIMEOUT_FLOOR_NS = 15 * 60 * NS_PER_SECOND;
/** Above this, executors of an agent that never returns run unsupervised for longer than anyone waits. */
export const RECOVERY_TIMEOUT_CEILING_NS = 7 * 86400 * NS_PER_SECOND;
export { VALID_KILL_MODES } from './unit-file.js';

export interface AgentFacts {
  layered: Layered;
  /** null when no unit was read (a single env file checked offline): unit rules are skipped. */
  unit: { name: string; killMode: Located<string> | null; killModeEffective?: Located<string> | null; restartSec: Located<string> | null } | null;
  /** The running agent's /flags; null when unknown. */
  live: Readonly<Record<string, string>> | null;
  window: ReregistrationWindow | null;
  /** Offline checks of local copies: a required file missing from the copy is only worth a note. */
  offline: boolean;
}

export interface AgentEvaluation {
  findings: Finding[];
  /** Settings whose files and running agent disagree. */
  drift: SettingName[];
}

export function evaluateAgent(facts: AgentFacts): AgentEvaluation {
  const { settings } = facts.layered;
  const restart = restartDelay(facts);
  const findings: Finding[] = [];
  const drift: SettingName[] = [];

  for (const spec of SETTINGS) {
    const s = settings[spec.name];
    if (isFileReference(s.raw)) findings.push(valueFromFile(s));
    else if (!s.parsed.ok) findings.push(invalidValue(s, facts.live?.[spec.name]));
    else {
      const live = facts.live?.[spec.name];
      if (live !== undefined && !sameSettingValue(spec.name, s.raw, live)) {
        drift.push(spec.name);
        findings.push(driftFinding(s, live, facts.unit?.name));
      }
    }
  }
  const strict = settings.strict.parsed;
  if (strict.ok && strict.value === false) findings.push(strictFalse(settings.strict, facts.unit?.name));
  const recover = settings.recover.parsed;
  if (recover.ok && recover.value === 'cleanup') findings.push(recoverCleanup(settings.recover, facts.unit?.name));
  const timeout = settings.recovery_timeout.parsed;
  if (timeout.ok) findings.push(...recoveryTimeout(settings.recovery_timeout, timeout.value as number, restart));
  if (facts.unit) findings.push(...killMode(facts.unit.killMode, facts.unit.killModeEffective ?? null));
  if (restart && facts.window) {
    const w = restartWindow(restart, settings.executor_reregistration_timeout, facts.window);
    if (w) findings.push(w);
  }
  findings.push(...ignoredLines(facts.layered));
  findings.push(...missingFiles(facts.layered, facts.offline));
  return { findings, drift };
}

interface RestartDelay {
  ms: number;
  text: string;
  location: string | null;
}

function restartDelay(facts: AgentFacts): RestartDelay | null {
  if (!facts.unit) return null;
  const set = facts.unit.restartSec;
  const ms = set ? parseSystemdTimeSpanMs(set.value) : undefined;
  // An unparsable RestartSec= is ignored by systemd: its default applies.
  if (!set || ms === undefined) return { ms: DEFAULT_RESTART_SEC_MS, text: `RestartSec default ${formatMs(DEFAULT_RESTART_SEC_MS)}`, location: null };
  return { ms, text: `RestartSec=${set.value}`, location: `${set.file}:${set.line}` };
}

const restartHint = (unit: string | undefined) => `systemctl restart ${unit ?? 'dcos-mesos-slave.service'}`;

/** How to take a setting out again, wherever it was set, and bring the default back. */
function unsetHint(s: EffectiveSetting, unit: string | undefined): string {
  const o = s.origin;
  const fallback = `so that the default ${settingSpec(s.name).mesosDefault} applies`;
  if (o.kind === 'command-line') return `remove ${s.writtenAs} from ExecStart= at ${o.file}:${o.line} ${fallback}, then systemctl daemon-reload and ${restartHint(unit)}`;
  if (o.kind === 'unit-environment') return `remove ${s.writtenAs} from Environment= at ${o.file}:${o.line} ${fallback}, then systemctl daemon-reload and ${restartHint(unit)}`;
  if (o.kind === 'file') return `delete line ${o.line} (${s.writtenAs}) of ${o.file} ${fallback}, then ${restartHint(unit)}`;
  return restartHint(unit);
}

const shown = (s: EffectiveSetting) => `${s.name}=${s.raw}`;

/** Defaults are changed in the operator's override file; anything else where it is set. */
function changeWhere(s: EffectiveSetting): string {
  const o = s.origin;
  if (o.kind === 'mesos-default' || (o.kind === 'file' && o.generated)) return `set ${envNameOf(s.name)} in /var/lib/dcos/mesos-slave-common`;
  return `change it at ${o.file}:${o.line}`;
}

function strictFalse(s: EffectiveSetting, unit: string | undefined): Finding {
  return {
    rule: 'strict-false',
    severity: 'warning',
    setting: s.name,
    location: locationOf(s.origin),
    reason: `${shown(s)}: recovery errors (e.g. corrupt checkpoints) are skipped silently and the agent may come back with only part of its state`,
    remedy: unsetHint(s, unit),
  };
}

function recoverCleanup(s: EffectiveSetting, unit: string | undefined): Finding {
  return {
    rule: 'recover-cleanup',
    severity: 'error',
    setting: s.name,
    location: locationOf(s.origin),
    reason: `${shown(s)}: every agent restart kills all executors and their tasks, then the agent exits; meant only for an incompatible upgrade`,
    remedy: unsetHint(s, unit),
  };
}

function invalidValue(s: EffectiveSetting, live: string | undefined): Finding {
  const problem = s.parsed.ok ? '' : s.parsed.problem;
  const comment = s.origin.kind === 'file' && /\s[#;]/.test(s.raw) ? '; a # after a value is not a comment in an EnvironmentFile' : '';
  const running = live === undefined ? '' : `; the running agent still uses ${live}`;
  const spec = SETTINGS.find((x) => x.name === s.name);
  const fix =
    spec?.kind === 'bool'
      ? 'true or false'
      : spec?.kind === 'enum'
        ? `one of ${spec.choices?.join(', ')}`
        : '<number><unit>, unit one of ns us ms secs mins hrs days weeks (e.g. 24hrs)';
  return {
    rule: 'invalid-value',
    severity: 'error',
    setting: s.name,
    location: locationOf(s.origin),
    reason: `${problem}${comment}: the agent will refuse to start (Mesos never falls back to the default)${running}`,
    remedy: `write ${s.writtenAs ?? s.name}=${fix} at ${describeOrigin(s.origin)}`,
  };
}

function valueFromFile(s: EffectiveSetting): Finding {
  return {
    rule: 'value-from-file',
    severity: 'info',
    setting: s.name,
    location: locationOf(s.origin),
    reason: `${shown(s)}: the agent reads the value from that file when it starts; not checked here`,
    remedy: 'check the referenced file on the agent (no trailing newline: Mesos does not trim it)',
  };
}

function driftFinding(s: EffectiveSetting, live: string, unit: string | undefined): Finding {
  return {
    rule: 'drift',
    severity: 'warning',
    setting: s.name,
    location: locationOf(s.origin),
    reason: `the files say ${shown(s)} (${describeOrigin(s.origin)}) but the running agent reports ${live}: changed since the agent started, or the reverse`,
    remedy: `restart the agent to apply the files (${restartHint(unit)}), or restore the files if ${live} is intended`,
  };
}

function recoveryTimeout(s: EffectiveSetting, ns: number, restart: RestartDelay | null): Finding[] {
  const base = { setting: s.name, location: locationOf(s.origin) };
  const where = changeWhere(s);
  if (restart && ns / 1e6 <= restart.ms) {
    return [{
      ...base,
      rule: 'recovery-timeout-short',
      severity: 'error',
      reason: `${shown(s)} is not longer than the unit's restart delay (${restart.text} = ${formatMs(restart.ms)}): executors give up before systemd even starts the agent again`,
      remedy: `raise recovery_timeout well above the restart delay (Mesos default 15mins, DC/OS 24hrs): ${where}`,
    }];
  }
  if (ns < RECOVERY_TIMEOUT_FLOOR_NS) {
    return [{
      ...base,
      rule: 'recovery-timeout-short',
      severity: 'warning',
      reason: `${shown(s)} is below Mesos's default 15mins: a slow restart (package upgrade, large checkpoint) outlasts it and every executor terminates`,
      remedy: `use at least 15mins (DC/OS default 24hrs): ${where}`,
    }];
  }
  if (ns > RECOVERY_TIMEOUT_CEILING_NS) {
    return [{
      ...base,
      rule: 'recovery-timeout-long',
      severity: 'warning',
      reason: `${shown(s)}${formatMesosDuration(ns) === s.raw ? '' : ` (${formatMesosDuration(ns)})`}: executors of an agent that never comes back run unsupervised that long, holding their resources and volumes`,
      remedy: `use hours, not weeks (DC/OS default 24hrs; at most 7days): ${where}`,
    }];
  }
  return [];
}

function killMode(set: Located<string> | null, effective: Located<string> | null): Finding[] {
  if (!set) return [];
  const location = `${set.file}:${set.line}`;
  const choices = 'valid values: control-group (default; Mesos recommends it), mixed, process, none';
  const remedy = `write KillMode=control-group (or delete the line), then systemctl daemon-reload; ${choices}`;
  if (!(VALID_KILL_MODES as readonly string[]).includes(set.value)) {
    return [{
      rule: 'killmode',
      severity: 'warning',
      setting: 'KillMode',
      location,
      reason: `KillMode=${set.value} is invalid, ignored by systemd, ${effective ? `${effective.value} (${effective.file}:${effective.line}) stays` : 'control-group applies'} (the typo comes from Mesos's agent-recovery doc)`,
      remedy,
    }];
  }
  if (set.value === 'process' || set.value === 'none') {
    return [{
      rule: 'killmode',
      severity: 'warning',
      setting: 'KillMode',
      location,
      reason: `KillMode=${set.value}: stopping the agent leaves its helper processes (fetcher, perf) running; executors survive restarts anyway (they live in mesos_executors.slice)`,
      remedy,
    }];
  }
  return [];
}

function restartWindow(restart: RestartDelay, rereg: EffectiveSetting, window: ReregistrationWindow): Finding | null {
  const reregNs = rereg.parsed.ok ? (rereg.parsed.value as number) : 0;
  const neededMs = restart.ms + reregNs / 1e6;
  const windowMs = window.seconds * 1000;
  if (neededMs < windowMs) return null;
  return {
    rule: 'restart-exceeds-window',
    severity: 'warning',
    setting: 'RestartSec',
    location: restart.location,
    reason:
      `${restart.text} plus executor_reregistration_timeout ${rereg.raw} = ${formatMs(neededMs)}, not within the master's ` +
      `re-registration window of ${formatMs(windowMs)}: after a crash the master marks the agent unreachable before it re-registers`,
    remedy: 'lower RestartSec (DC/OS ships 5) and run systemctl daemon-reload',
  };
}

function ignoredLines(layered: Layered): Finding[] {
  return layered.ignoredLines.map((l) => ({
    rule: 'ignored-line' as const,
    severity: 'warning' as const,
    setting: l.setting,
    location: `${l.file}:${l.line}`,
    reason: `'${l.text}': ${l.reason}; the agent uses ${layered.settings[l.setting].raw} (${describeOrigin(layered.settings[l.setting].origin)})`,
    remedy: /^export\s/.test(l.text) ? "remove 'export ' from the line" : "remove the '\\' at the end of the comment line above",
  }));
}

function missingFiles(layered: Layered, offline: boolean): Finding[] {
  return layered.missingFiles
    .filter((f) => !f.optional)
    .map((f) => ({
      rule: 'env-file-missing' as const,
      severity: offline ? ('info' as const) : ('error' as const),
      setting: null,
      location: f.declaredAt ? `${f.declaredAt.file}:${f.declaredAt.line}` : null,
      reason: offline
        ? `${f.path} is not in the local copy; on an agent a missing EnvironmentFile without '-' stops the unit from starting`
        : `EnvironmentFile=${f.path} does not exist and is not optional ('-'): systemd will refuse to start the agent`,
      remedy: `restore ${f.path}, or mark it optional with EnvironmentFile=-${f.path}`,
    }));
}

export interface ClusterFacts {
  /** /v2/info marathon_config.checkpoint; undefined when not known. */
  marathonCheckpoint?: boolean;
  /** The Marathon framework's `checkpoint` in the master's /state. */
  framework?: { id: string; checkpoint: boolean | undefined };
}

export function evaluateCluster(facts: ClusterFacts): Finding[] {
  const off: { where: string; what: string }[] = [];
  if (facts.marathonCheckpoint === false) off.push({ where: 'Marathon /v2/info', what: 'marathon_config.checkpoint=false' });
  if (facts.framework?.checkpoint === false) off.push({ where: 'Mesos master /state', what: `framework ${facts.framework.id} checkpoint=false` });
  if (off.length === 0) return [];
  return [{
    rule: 'checkpoint-off',
    severity: 'error',
    setting: 'checkpoint',
    location: off.map((o) => o.where).join(', '),
    reason: `Marathon's checkpointing is off (${off.map((o) => o.what).join('; ')}): no task survives a mesos-agent restart, whatever the agents' settings`,
    remedy: 'run Marathon with checkpointing (its default: drop --disable_checkpoint), then confirm checkpoint=true for its framework in the master /state',
  }];
}

/** The verdict level of a list of findings (info never counts). */


/** No DC/OS agent unit found: the values shown assume the DC/OS unit's EnvironmentFile order. */
export function unitNotFound(dir: string, offline: boolean): Finding {
  return {
    rule: 'unit-not-found',
    severity: offline ? 'info' : 'error',
    setting: null,
    location: null,
    reason: `no dcos-mesos-slave.service or dcos-mesos-slave-public.service in ${dir}: values assume the DC/OS unit's EnvironmentFile order; KillMode and RestartSec not checked`,
    remedy: offline ? 'include etc/systemd/system/<unit> in the copy to check the unit too' : 'check that this host is a DC/OS agent and where its mesos-agent unit lives (systemctl cat)',
  };
}

export function fileUnreadable(path: string, message: string, declaredAt: { file: string; line: number } | undefined): Finding {
  return {
    rule: 'unreadable',
    severity: 'error',
    setting: null,
    location: declaredAt ? `${declaredAt.file}:${declaredAt.line}` : null,
    reason: `${path} could not be read (${message}): what it sets is unknown`,
    remedy: 'check the file and the SSH user\'s permission to read it (--sudo reads it as root)',
  };
}
