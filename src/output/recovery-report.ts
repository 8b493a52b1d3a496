import type { ChalkInstance } from 'chalk';
import { summaryLine, type AgentReport, type ClusterReport, type RecoveryReport } from '../domain/recovery/report.js';
import type { SettingName } from '../domain/recovery/settings.js';
import { paintWord } from './colour.js';
import { renderFinding, type FindingRow } from './findings.js';
import { renderTable } from './table.js';

/** `agent recovery-config`: the agents' settings table, the cluster facts, the findings, the origins. */

/** Which systemd read the files, stated once when the same for all, else per agent. */
function systemdLine(agents: AgentReport[]): string | null {
  const read = agents.filter((a) => a.systemd !== null);
  if (read.length === 0) return null;
  const text = (a: AgentReport) => {
    const s = a.systemd as NonNullable<AgentReport['systemd']>;
    const rules = String(s.version) === s.rules ? '' : ` (rules of ${s.rules})`;
    const how = s.source === 'agent' ? '' : s.source === 'option' ? ', from --systemd' : ', assumed: the newest modelled (pass --systemd <version>)';
    return `systemd ${s.version}${rules}${how}`;
  };
  const distinct = [...new Set(read.map(text))];
  if (distinct.length === 1) return `Read with ${distinct[0]}`;
  return ['Read with:', ...read.map((a) => `  ${reportedAgentName(a)}: ${text(a)}`)].join('\n');
}

export function renderRecoveryReport(report: RecoveryReport, withOrigins: boolean, paint?: ChalkInstance): string {
  const parts = [renderAgentsTable(report.agents, paint)];
  const systemd = systemdLine(report.agents);
  if (systemd) parts.push(systemd);
  if (report.cluster) parts.push(renderCluster(report.cluster));
  const rows: FindingRow[] = [
    ...(report.cluster?.findings ?? []).map((f) => ({ ...f, who: 'cluster' })),
    ...report.agents.flatMap((a) => [
      ...(a.unreachable === null
        ? []
        : [{ severity: 'unreachable', rule: null, location: null, who: reportedAgentName(a), reason: a.unreachable, remedy: unreachableRemedy(a) }]),
      ...a.findings.map((f) => ({ ...f, who: reportedAgentName(a) })),
    ]),
  ];
  if (rows.length > 0) parts.push(['FINDINGS', ...rows.map((f) => renderFinding(f, paint))].join('\n'));
  if (withOrigins) parts.push(`ORIGINS\n${renderOrigins(report.agents)}`);
  parts.push(summaryLine(report.summary, report.cluster === null ? 'path' : 'agent'));
  return `${parts.join('\n\n')}\n`;
}

const MAX_CELL = 16;

const DASH = '-';

function cell(a: AgentReport, name: SettingName): string {
  const s = a.settings?.[name];
  if (!s) return DASH;
  const value = s.value.length > MAX_CELL ? `${s.value.slice(0, MAX_CELL - 1)}…` : s.value;
  return s.canonical === null ? `${JSON.stringify(value)} (invalid)` : value;
}

function killModeCell(a: AgentReport): string {
  if (!a.unit) return DASH;
  const { value, effective } = a.unit.killMode;
  return value === null ? effective : value === effective ? value : `${value} (invalid)`;
}

function driftCell(a: AgentReport): string {
  // Unknown for an agent whose /flags failed; not applicable to local copies and unreachable agents.
  if (a.drift === null) return a.unreachable === null && a.path === null ? '?' : DASH;
  return a.drift.length === 0 ? DASH : a.drift.map((n) => (n === 'reconfiguration_policy' ? 'policy' : n)).join(',');
}

export function renderAgentsTable(agents: AgentReport[], paint?: ChalkInstance): string {
  return renderTable(
    [
      { header: 'AGENT', value: (a: AgentReport) => a.agent ?? a.path ?? DASH },
      { header: 'HOST', value: (a) => a.host ?? DASH },
      { header: 'STRICT', value: (a) => cell(a, 'strict') },
      { header: 'RECOVER', value: (a) => cell(a, 'recover') },
      { header: 'RECOVERY_TIMEOUT', value: (a) => cell(a, 'recovery_timeout') },
      { header: 'POLICY', value: (a) => cell(a, 'reconfiguration_policy') },
      { header: 'KILLMODE', value: killModeCell },
      { header: 'DRIFT', value: driftCell },
      { header: 'VERDICT', value: (a) => (paint ? paintWord(paint, a.verdict) : a.verdict) },
    ],
    agents,
  ).trimEnd();
}

function renderCluster(c: ClusterReport): string {
  const window = c.reregistrationWindow ? c.reregistrationWindow.text : 'unknown';
  const parts: string[] = [];
  if (c.checkpoint.marathon !== null) parts.push(`/v2/info checkpoint=${c.checkpoint.marathon}`);
  if (c.checkpoint.framework) parts.push(`framework ${c.checkpoint.framework.id} checkpoint=${c.checkpoint.framework.checkpoint ?? 'unset'}`);
  const off = c.checkpoint.marathon === false || c.checkpoint.framework?.checkpoint === false;
  const checkpoint = parts.length === 0 ? 'unknown' : `${off ? 'off' : 'on'} (${parts.join('; ')})`;
  return [`Master re-registration window: ${window}`, `Marathon checkpointing: ${checkpoint}`].join('\n');
}

export function reportedAgentName(a: AgentReport): string {
  if (a.path !== null) return a.path;
  if (a.agent !== null && a.host !== null) return `${a.agent} (${a.host})`;
  return a.agent ?? a.host ?? DASH;
}

function unreachableRemedy(a: AgentReport): string {
  return a.host === null ? "pass the agent's hostname with --agent to check it over SSH" : 'check SSH access to the agent (--ssh-* options), then run again';
}

function renderOrigins(agents: AgentReport[]): string {
  const rows = agents.flatMap((a) =>
    Object.entries(a.settings ?? {}).map(([name, s]) => ({ who: a.agent ?? a.path ?? DASH, name, s })),
  );
  return renderTable(
    [
      { header: 'AGENT', value: (r: (typeof rows)[number]) => r.who },
      { header: 'SETTING', value: (r) => r.name },
      { header: 'VALUE', value: (r) => r.s.value },
      { header: 'LIVE', value: (r) => r.s.live ?? DASH },
      { header: 'ORIGIN', value: (r) => r.s.origin },
    ],
    rows,
  ).trimEnd();
}
