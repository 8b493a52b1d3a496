import { describeOrigin, locationOf, type Layered, type Origin } from './layering.js';
import { SEVERITY_RANK, worstSeverity, type AgentEvaluation, type Finding, type Severity } from './rules.js';
import { SETTINGS, type SettingName } from './settings.js';
import { DEFAULT_RESTART_SEC_MS, parseSystemdTimeSpanMs } from './systemd-time.js';
import type { Located } from './unit-file.js';
import type { ReregistrationWindow } from './window.js';

/** The command's result, as `--json` prints it (documented in README.md). */

export type Verdict = 'ok' | 'warning' | 'error' | 'unreachable';
export type FailOn = 'warning' | 'error';

export interface SettingReport {
  /** The text the agent gets. */
  value: string;
  /** As the agent's /flags prints it (`24hrs` → `1days`); null when the value is invalid. */
  canonical: string | null;
  /** `file:line` that sets it; null for a Mesos default. */
  location: string | null;
  /** What sets it: an EnvironmentFile, Environment= or ExecStart= in the unit, or nothing (a Mesos default). */
  source: Origin['kind'];
  /** `DC/OS default, …`, `Mesos default`, or where it is set. */
  origin: string;
  /** Which default applies when nothing overrides it: the DC/OS generated file, Mesos itself, or none. */
  default: 'dcos' | 'mesos' | null;
  /** The running agent's /flags value; null when unknown or not reported. */
  live: string | null;
  drift: boolean;
}

export interface UnitReport {
  path: string;
  dropIns: string[];
  environmentFiles: { path: string; optional: boolean; present: boolean; location: string }[];
  /** As written; null when not set. `effective` is what systemd uses. */
  killMode: { value: string | null; effective: string; location: string | null };
  restartSec: { value: string | null; seconds: number | null; location: string | null };
}

/** The systemd whose rules read this agent's files. */
export interface SystemdReport {
  version: number;
  /** The modelled release whose rules were applied: 219, 239, 252 or 254 (254 and newer). */
  rules: string;
  /** `agent`: its own `systemctl --version`; `option`: --systemd; `default`: none known, the newest assumed. */
  source: 'agent' | 'option' | 'default';
}

export interface AgentReport {
  agent: string | null;
  host: string | null;
  /** Set when a local copy was checked (`--file`). */
  path: string | null;
  verdict: Verdict;
  /** Why the agent could not be checked. */
  unreachable: string | null;
  unit: UnitReport | null;
  /** null when the agent could not be read. */
  systemd: SystemdReport | null;
  /** The DC/OS version of /dcos-metadata/dcos-version.json; null when not readable. */
  dcosVersion: string | null;
  settings: Record<SettingName, SettingReport> | null;
  /** Settings whose files and running agent disagree; null when the running agent was not asked. */
  drift: SettingName[] | null;
  findings: Finding[];
  /** What could not be checked on this agent (its /flags failed…). */
  notes: string[];
}

export interface ClusterReport {
  reregistrationWindow: (ReregistrationWindow & { text: string }) | null;
  checkpoint: { marathon: boolean | null; framework: { id: string; checkpoint: boolean | null } | null };
  findings: Finding[];
  /** Cluster facts that could not be read. */
  notes: string[];
}

export interface Summary {
  agents: number;
  ok: number;
  warning: number;
  error: number;
  unreachable: number;
  clusterFindings: number;
  failOn: FailOn;
  /** Some finding is at or above --fail-on. */
  failed: boolean;
}

export interface RecoveryReport {
  agents: AgentReport[];
  /** null for offline checks of local files. */
  cluster: ClusterReport | null;
  summary: Summary;
}

export interface AgentIdentity {
  agent: string | null;
  host: string | null;
  path: string | null;
}

export function unreachableReport(identity: AgentIdentity, reason: string): AgentReport {
  return { ...identity, verdict: 'unreachable', unreachable: reason, unit: null, systemd: null, dcosVersion: null, settings: null, drift: null, findings: [], notes: [] };
}

export interface CheckedAgent {
  identity: AgentIdentity;
  layered: Layered;
  evaluation: AgentEvaluation;
  /** Findings about reading the configuration (unreadable files, no unit). */
  readFindings: Finding[];
  unit: {
    path: string;
    dropIns: string[];
    environmentFiles: { path: string; optional: boolean; file: string; line: number }[];
    killMode: Located<string> | null;
    killModeEffective: Located<string> | null;
    restartSec: Located<string> | null;
  } | null;
  systemd: SystemdReport;
  dcosVersion: string | null;
  live: Readonly<Record<string, string>> | null;
  notes: string[];
}

export function agentReport(a: CheckedAgent): AgentReport {
  const findings = sortFindings([...a.readFindings, ...a.evaluation.findings]);
  const settings = {} as Record<SettingName, SettingReport>;
  for (const spec of SETTINGS) {
    const s = a.layered.settings[spec.name];
    const live = a.live?.[spec.name];
    settings[spec.name] = {
      value: s.raw,
      canonical: s.parsed.ok ? s.parsed.canonical : null,
      location: locationOf(s.origin),
      source: s.origin.kind,
      origin: describeOrigin(s.origin),
      default: s.origin.kind === 'mesos-default' ? 'mesos' : s.origin.kind === 'file' && s.origin.generated ? 'dcos' : null,
      live: live ?? null,
      drift: a.evaluation.drift.includes(spec.name),
    };
  }
  const missing = new Set(a.layered.missingFiles.map((f) => f.path));
  const unit: UnitReport | null = a.unit && {
    path: a.unit.path,
    dropIns: a.unit.dropIns,
    environmentFiles: a.unit.environmentFiles.map((f) => ({ path: f.path, optional: f.optional, present: !missing.has(f.path), location: `${f.file}:${f.line}` })),
    killMode: {
      value: a.unit.killMode?.value ?? null,
      effective: a.unit.killModeEffective?.value ?? 'control-group',
      location: a.unit.killMode ? `${a.unit.killMode.file}:${a.unit.killMode.line}` : null,
    },
    restartSec: restartSecReport(a.unit.restartSec),
  };
  return {
    ...a.identity,
    verdict: verdictOf(findings),
    unreachable: null,
    unit,
    systemd: a.systemd,
    dcosVersion: a.dcosVersion,
    settings,
    drift: a.live === null ? null : a.evaluation.drift,
    findings,
    notes: a.notes,
  };
}

function restartSecReport(set: Located<string> | null): UnitReport['restartSec'] {
  const ms = set ? parseSystemdTimeSpanMs(set.value) : DEFAULT_RESTART_SEC_MS;
  return {
    value: set?.value ?? null,
    seconds: ms === undefined ? DEFAULT_RESTART_SEC_MS / 1000 : ms === Infinity ? null : ms / 1000,
    location: set ? `${set.file}:${set.line}` : null,
  };
}

export function verdictOf(findings: readonly Finding[]): Verdict {
  const worst = worstSeverity(findings);
  return worst === 'info' ? 'ok' : worst;
}

/** Errors first, then warnings, then notes; stable otherwise. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[b.f.severity] - SEVERITY_RANK[a.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}

export function atOrAbove(severity: Severity, failOn: FailOn): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn];
}

export function summarize(agents: readonly AgentReport[], cluster: ClusterReport | null, failOn: FailOn): Summary {
  const count = (v: Verdict) => agents.filter((a) => a.verdict === v).length;
  const all = [...agents.flatMap((a) => a.findings), ...(cluster?.findings ?? [])];
  return {
    agents: agents.length,
    ok: count('ok'),
    warning: count('warning'),
    error: count('error'),
    unreachable: count('unreachable'),
    clusterFindings: cluster?.findings.length ?? 0,
    failOn,
    failed: all.some((f) => atOrAbove(f.severity, failOn)),
  };
}

/** `47 agents: 45 ok, 1 warning, 1 error, 0 unreachable` (+ the cluster's findings, when there are any); `paths` offline. */
export function summaryLine(s: Summary, noun: 'agent' | 'path' = 'agent'): string {
  const agents = `${s.agents} ${noun}${s.agents === 1 ? '' : 's'}: ${s.ok} ok, ${s.warning} warning, ${s.error} error, ${s.unreachable} unreachable`;
  return s.clusterFindings === 0 ? agents : `${agents}; ${s.clusterFindings} cluster ${s.clusterFindings === 1 ? 'finding' : 'findings'}`;
}

