import { createHash } from 'node:crypto';
import { parseEnvironmentFile } from './env-file.js';
import { isGeneratedFile, layerSettings, type EnvFileInput, type Layered } from './layering.js';
import type { Finding, RuleId } from './rules.js';
import { envNameOf, parseSettingValue, sameSettingValue, SETTING_NAMES, type SettingName } from './settings.js';
import type { SystemdRules } from './systemd-version.js';
import type { UnitConfig } from './unit-file.js';
import { unifiedDiff } from '../unified-diff.js';

/**
 * `agent recovery-config --fix`: which file to edit on one agent, which lines change and the diff. The
 * edit goes where the value is decided: the line that sets it now when an operator file does, else the
 * DC/OS override file (/var/lib/dcos/mesos-slave-common, ../shared/reference/mesos-dcos/README.md §h).
 * An ExecStart= flag beats every file and a file under /run is rewritten at boot: those are refused with
 * the reason. Every plan is proven before it is offered: the edited files are layered again as systemd and
 * Mesos would, and each value must come out as wanted (else the agent is refused).
 */

export const OVERRIDE_FILE = '/var/lib/dcos/mesos-slave-common';

/** What a fix writes when a finding asks for a sane value (DC/OS's defaults). */
export const FIX_VALUES: Record<SettingName, string> = {
  strict: 'true',
  recover: 'reconnect',
  recovery_timeout: '24hrs',
  reconfiguration_policy: 'additive',
  executor_reregistration_timeout: '10secs',
};

/** The findings an edit of the EnvironmentFiles clears; the others need the unit, a restart or a person. */
export const FIXABLE_RULES: ReadonlySet<RuleId> = new Set(['strict-false', 'recover-cleanup', 'recovery-timeout-short', 'recovery-timeout-long', 'invalid-value', 'ignored-line']);

export interface FixTarget {
  setting: SettingName;
  value: string;
  /** `--set`, or the rule of the finding that asks for it. */
  because: string;
}

export interface LineChange {
  setting: SettingName | null;
  /** 1-based line in the original file; null: appended. */
  line: number | null;
  from: string | null;
  to: string | null;
  why: string;
}

export interface FileEdit {
  path: string;
  /** null: the file does not exist and is created. */
  before: string | null;
  /** sha256 of `before` (`-` when absent): the fence on the agent compares it right before writing. */
  beforeHash: string;
  after: string;
  afterHash: string;
  diff: string;
  changes: LineChange[];
}

export interface FixRefusal {
  setting: SettingName | null;
  reason: string;
}

export interface AgentFixPlan {
  edits: FileEdit[];
  refused: FixRefusal[];
  /** Findings the edits clear. */
  addressed: Finding[];
  /** Findings --fix leaves alone (unit settings, drift until a restart, missing files…). */
  notAddressed: Finding[];
  /** The effective values once the edits are in, for every setting. */
  after: Record<SettingName, string>;
}

export interface FixInput {
  envFiles: readonly EnvFileInput[];
  unit: Pick<UnitConfig, 'environment' | 'execStart'> | null;
  systemd: SystemdRules;
  layered: Layered;
  findings: readonly Finding[];
  /** `--set`: these values, whatever the findings say. */
  set?: Partial<Record<SettingName, string>>;
}

export function sha256(text: string | null): string {
  return text === null ? '-' : createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `strict=true,recover=reconnect,recovery_timeout=24hrs`, or why not. */
export function parseSetOption(text: string): { values: Partial<Record<SettingName, string>> } | { problem: string } {
  const values: Partial<Record<SettingName, string>> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim() as SettingName;
    if (!SETTING_NAMES.includes(name)) return { problem: `'${part}': unknown setting (one of ${SETTING_NAMES.join(', ')})` };
    if (eq < 0) return { problem: `'${part}': expected ${name}=<value>` };
    const value = part.slice(eq + 1).trim();
    const parsed = parseSettingValue(name, value);
    if (!parsed.ok || value === '') return { problem: `${name}=${value}: ${parsed.ok ? 'empty value' : parsed.problem}` };
    values[name] = value;
  }
  if (Object.keys(values).length === 0) return { problem: 'nothing to set (e.g. --set strict=true,recover=reconnect,recovery_timeout=24hrs)' };
  return { values };
}

/** `2days  # note`: the value before an inline comment, when Mesos would accept it, and the comment. */
function beforeInlineComment(name: SettingName, raw: string): { value: string; comment: string } | null {
  const m = /^(\S+)\s+([#;].*)$/.exec(raw);
  if (!m) return null;
  return parseSettingValue(name, m[1] as string).ok ? { value: m[1] as string, comment: (m[2] as string).replace(/^[#;]\s*/, '') } : null;
}

/** What the findings ask for: one value per setting (the first finding naming it decides). */
export function targetsFromFindings(layered: Layered, findings: readonly Finding[]): FixTarget[] {
  const targets = new Map<SettingName, FixTarget>();
  const want = (setting: SettingName, value: string, because: string) => {
    if (!targets.has(setting)) targets.set(setting, { setting, value, because });
  };
  for (const f of findings) {
    const setting = f.setting as SettingName;
    if (!SETTING_NAMES.includes(setting)) continue;
    if (f.rule === 'strict-false' || f.rule === 'recover-cleanup' || f.rule === 'recovery-timeout-short' || f.rule === 'recovery-timeout-long') {
      want(setting, FIX_VALUES[setting], f.rule);
    } else if (f.rule === 'invalid-value') {
      // The operator's value survives when only a glued comment made it invalid.
      want(setting, beforeInlineComment(setting, layered.settings[setting].raw)?.value ?? FIX_VALUES[setting], f.rule);
    }
  }
  return [...targets.values()];
}

interface FileState {
  path: string;
  index: number;
  before: string | null;
  lines: string[];
  /** Replacements keyed by first original line (0-based), with how many lines they replace. */
  replace: Map<number, { count: number; with: string[] }>;
  appended: string[];
  changes: LineChange[];
}

function splitLines(text: string | null): string[] {
  if (text === null || text === '') return [];
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all;
}

function render(f: FileState): string {
  const out: string[] = [];
  for (let i = 0; i < f.lines.length; ) {
    const r = f.replace.get(i);
    if (r) {
      out.push(...r.with);
      i += r.count;
    } else out.push(f.lines[i++] as string);
  }
  if (f.appended.length > 0) out.push(...(f.changes.some((c) => c.line === null) && f.lines.length > 0 && out[out.length - 1] !== '' ? [''] : []), ...f.appended);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** Assignments of a text as `key=value`, for comparing what an edit changed. */
function assignments(text: string, rules: SystemdRules): string[] {
  return parseEnvironmentFile(text, rules).assignments.map((a) => `${a.key}=${a.value}`);
}

/** What systemd makes of a text besides its assignments: a leftover continuation line shows here. */
function ignoredKeys(text: string, rules: SystemdRules): string[] {
  const parsed = parseEnvironmentFile(text, rules);
  return [...parsed.ignored.map((i) => i.key), ...parsed.swallowed.map((s) => s.text)];
}

/**
 * How many lines, from `start`, the assignment there spans (continuation lines, quoted newlines): the
 * fewest whose replacement by `replacement` leaves every other assignment of the file as it was.
 */
function assignmentSpan(f: FileState, start: number, replacement: string[], rules: SystemdRules): number | null {
  const original = assignments(f.lines.join('\n'), rules);
  const at = parseEnvironmentFile(f.lines.join('\n'), rules).assignments.findIndex((a) => a.line === start + 1);
  if (at < 0) return null;
  const expected = [...original.slice(0, at), ...assignments(replacement.join('\n'), rules), ...original.slice(at + 1)].join('\n');
  const ignored = ignoredKeys(f.lines.join('\n'), rules).join('\n');
  for (let count = 1; start + count <= f.lines.length && count <= 50; count++) {
    const candidate = [...f.lines.slice(0, start), ...replacement, ...f.lines.slice(start + count)].join('\n');
    if (assignments(candidate, rules).join('\n') === expected && ignoredKeys(candidate, rules).join('\n') === ignored) return count;
  }
  return null;
}

const isVolatile = (path: string) => path === '/run' || path.startsWith('/run/');

/** The per-agent plan. Pure: the files are those read from the agent. */
export function planAgentFix(input: FixInput): AgentFixPlan {
  const { layered, systemd } = input;
  const targets: FixTarget[] = input.set
    ? Object.entries(input.set).map(([setting, value]) => ({ setting: setting as SettingName, value: value as string, because: '--set' }))
    : targetsFromFindings(layered, input.findings);
  const refused: FixRefusal[] = [];
  const files = new Map<string, FileState>();
  const fileState = (path: string): FileState | undefined => {
    const index = input.envFiles.findIndex((f) => f.path === path);
    if (index < 0) return undefined;
    let state = files.get(path);
    if (!state) {
      const before = input.envFiles[index]?.text ?? null;
      state = { path, index, before, lines: splitLines(before), replace: new Map(), appended: [], changes: [] };
      files.set(path, state);
    }
    return state;
  };

  for (const t of targets) {
    const s = layered.settings[t.setting];
    if (s.parsed.ok && sameSettingValue(t.setting, s.raw, t.value)) continue;
    const o = s.origin;
    const key = s.writtenAs !== null && !s.writtenAs.startsWith('--') ? s.writtenAs : envNameOf(t.setting);
    const assignment = `${key}=${t.value}`;
    if (o.kind === 'command-line') {
      refused.push({
        setting: t.setting,
        reason: `${s.writtenAs} on ExecStart= (${o.file}:${o.line}) beats every EnvironmentFile: remove it from the unit, run systemctl daemon-reload, then --fix again`,
      });
      continue;
    }
    if (o.kind === 'file' && !o.generated) {
      if (isVolatile(o.file)) {
        refused.push({ setting: t.setting, reason: `${t.setting} is set at ${o.file}:${o.line}, under /run: DC/OS writes that file at boot, so an edit would not last` });
        continue;
      }
      const f = fileState(o.file) as FileState;
      const kept = beforeInlineComment(t.setting, s.raw);
      const replacement = kept && kept.value === t.value ? [`# ${kept.comment}`, assignment] : [assignment];
      const count = assignmentSpan(f, o.line - 1, replacement, systemd);
      if (count === null || [...f.replace.keys()].some((k) => k <= o.line - 1 && o.line - 1 < k + (f.replace.get(k)?.count ?? 0))) {
        refused.push({ setting: t.setting, reason: `cannot tell where the assignment at ${o.file}:${o.line} ends: edit it by hand` });
        continue;
      }
      f.replace.set(o.line - 1, { count, with: replacement });
      f.changes.push({ setting: t.setting, line: o.line, from: f.lines.slice(o.line - 1, o.line - 1 + count).join('\n'), to: replacement.join('\n'), why: t.because });
      continue;
    }
    // A DC/OS or Mesos default, or Environment= in the unit: the operator's override file takes it.
    const overrideAt = input.envFiles.findIndex((f) => f.path === OVERRIDE_FILE);
    if (overrideAt < 0) {
      refused.push({ setting: t.setting, reason: `the unit reads no ${OVERRIDE_FILE} (EnvironmentFile=-${OVERRIDE_FILE}): nowhere to set ${t.setting} without editing the unit` });
      continue;
    }
    const originAt = o.kind === 'file' ? input.envFiles.findIndex((f) => f.path === o.file) : -1;
    if (originAt > overrideAt) {
      refused.push({ setting: t.setting, reason: `${o.kind === 'file' ? `${o.file}:${o.line}` : 'a later file'} is read after ${OVERRIDE_FILE} and sets ${t.setting}: a DC/OS file, not edited` });
      continue;
    }
    const f = fileState(OVERRIDE_FILE) as FileState;
    if (f.appended.length === 0) f.appended.push('# Recovery settings (stateful-ops agent recovery-config --fix)');
    f.appended.push(assignment);
    f.changes.push({ setting: t.setting, line: null, from: null, to: assignment, why: t.because });
  }

  // Lines systemd ignores: `export X=…` loses its `export`, a comment ending in `\` its backslash.
  if (!input.set) {
    for (const l of layered.ignoredLines) {
      const f = fileState(l.file);
      if (!f || isVolatile(l.file) || isGeneratedFile(l.file)) continue;
      const exported = /^(\s*)export\s+(.*)$/.exec(f.lines[l.line - 1] ?? '');
      const target = exported ? l.line - 1 : l.line - 2;
      const text = f.lines[target];
      if (text === undefined || f.replace.has(target)) continue;
      const fixed = exported ? `${exported[1]}${exported[2]}` : text.replace(/\\$/, '');
      if (fixed === text) continue;
      const value = parseEnvironmentFile(fixed, systemd).assignments[0]?.value;
      if (exported && (value === undefined || !parseSettingValue(l.setting, value).ok)) {
        refused.push({ setting: l.setting, reason: `${l.file}:${l.line} '${l.text}' would set an invalid value without 'export': edit it by hand` });
        continue;
      }
      f.replace.set(target, { count: 1, with: [fixed] });
      f.changes.push({ setting: l.setting, line: target + 1, from: text, to: fixed, why: 'ignored-line' });
    }
  }

  const edits: FileEdit[] = [...files.values()]
    .filter((f) => f.changes.length > 0)
    .sort((a, b) => a.index - b.index)
    .map((f) => {
      const after = render(f);
      return { path: f.path, before: f.before, beforeHash: sha256(f.before), after, afterHash: sha256(after), diff: unifiedDiff(f.path, f.before, after), changes: f.changes };
    });

  // The proof: layered again with the edits in, each target comes out as wanted.
  const editedFiles = input.envFiles.map((f) => {
    const e = edits.find((x) => x.path === f.path);
    return e ? { ...f, text: e.after } : f;
  });
  const relayered = layerSettings({ unit: input.unit, envFiles: editedFiles, systemd });
  const done = new Set(refused.map((r) => r.setting));
  for (const t of targets) {
    if (done.has(t.setting)) continue;
    const s = relayered.settings[t.setting];
    if (!s.parsed.ok || !sameSettingValue(t.setting, s.raw, t.value)) {
      return refuseAll(input, layered, `after the edits ${t.setting} would be ${s.raw}, not ${t.value}: nothing is edited on this agent`);
    }
  }
  const fixedIgnored = new Set(edits.flatMap((e) => e.changes.filter((c) => c.why === 'ignored-line').map((c) => c.setting)));
  const addressedSettings = new Set(targets.filter((t) => !done.has(t.setting)).map((t) => t.setting));
  const addressed: Finding[] = [];
  const notAddressed: Finding[] = [];
  for (const f of input.findings) {
    const s = f.setting as SettingName;
    const clears = FIXABLE_RULES.has(f.rule) && (f.rule === 'ignored-line' ? fixedIgnored.has(s) : addressedSettings.has(s));
    (clears && edits.length > 0 ? addressed : notAddressed).push(f);
  }
  const after = Object.fromEntries(SETTING_NAMES.map((n) => [n, relayered.settings[n].raw])) as Record<SettingName, string>;
  return { edits, refused, addressed, notAddressed, after };
}

function refuseAll(input: FixInput, layered: Layered, reason: string): AgentFixPlan {
  const after = Object.fromEntries(SETTING_NAMES.map((n) => [n, layered.settings[n].raw])) as Record<SettingName, string>;
  return { edits: [], refused: [{ setting: null, reason }], addressed: [], notAddressed: [...input.findings], after };
}
