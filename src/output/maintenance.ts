import type { MachineId, MaintenanceWindow } from '../model/mesos.js';
import { describeMachine, type MachineMode } from '../domain/maintenance.js';
import type { AppImpact } from '../domain/restart-check/impact.js';
import type { MachineTarget } from '../operations/agents/maintenance.js';
import { refusedSection, type PlannedRefusal } from './plan.js';
import { renderTable } from './table.js';

/** How maintenance commands print machines, windows and the exact request they send. */

export function describeWindow(w: MaintenanceWindow | undefined): string {
  if (!w) return '-';
  const start = new Date(w.unavailability.start.nanoseconds / 1e6).toISOString().replace('.000Z', 'Z');
  const ns = w.unavailability.duration?.nanoseconds;
  return ns === undefined ? `from ${start}, no end` : `${start} for ${formatSeconds(ns / 1e9)}`;
}

export function formatSeconds(s: number): string {
  if (s % 86400 === 0 && s > 0) return `${s / 86400}d`;
  if (s % 3600 === 0 && s > 0) return `${s / 3600}h`;
  if (s % 60 === 0 && s > 0) return `${s / 60}min`;
  return `${s}s`;
}

export function requestLine(method: string, url: string, body: unknown): string {
  return `${method} ${url} ${JSON.stringify(body)}`;
}

export function machineLines(targets: readonly MachineTarget[]): string[] {
  return targets.map((t) => {
    const agents = t.agents.length === 0 ? 'no agent registered' : t.agents.map((a) => a.id).join(', ');
    return `MACHINE ${describeMachine(t.machine)} — ${t.mode}, ${agents}`;
  });
}

export interface FrameworkAnswer {
  frameworkId: string;
  name: string | null;
  /** Tasks it runs on the machine's agents. */
  tasks: number;
  answer: 'ACCEPT' | 'DECLINE' | 'UNKNOWN' | 'no answer';
  at: string | null;
}

export interface MachineStatus {
  machine: MachineId;
  mode: MachineMode;
  window: string;
  agents: string[];
  frameworks: FrameworkAnswer[];
  /** Resident Marathon tasks whose agent is on this machine and that are not running: they wait for it. */
  waiting: { app: string; task: string }[];
}

export function renderMaintenanceStatus(machines: MachineStatus[]): string {
  if (machines.length === 0) return 'No machine is scheduled for maintenance or down.\n';
  const table = renderTable(
    [
      { header: 'MACHINE', value: (m: MachineStatus) => describeMachine(m.machine) },
      { header: 'MODE', value: (m) => m.mode },
      { header: 'WINDOW', value: (m) => m.window },
      { header: 'AGENTS', value: (m) => m.agents.join(',') || '-' },
      { header: 'INVERSE OFFERS', value: (m) => m.frameworks.map((f) => `${f.name ?? f.frameworkId} ${f.answer}`).join(', ') || '-' },
    ],
    machines,
  ).trimEnd();
  const waiting = machines.flatMap((m) => m.waiting.map((w) => `  ${describeMachine(m.machine)}: ${w.app} ${w.task}`));
  return `${table}\n${waiting.length > 0 ? `\nRESIDENT TASKS WAITING FOR THEIR MACHINE (reservation kept; relaunched once it is up)\n${waiting.join('\n')}\n` : ''}`;
}

export interface DownPlan {
  machines: MachineTarget[];
  alreadyDown: MachineTarget[];
  killed: { agentId: string | null; task: string; framework: string; app: string | null; resident: boolean }[];
  statefulApps: AppImpact[];
  forced: boolean;
  refused: PlannedRefusal[];
  request: { method: 'POST'; url: string; body: unknown } | null;
  journal: string;
}

export function renderDownPlan(plan: DownPlan): string {
  const n = plan.machines.length;
  const lines = [`Plan: bring ${n} machine${n === 1 ? '' : 's'} DOWN (the master shuts their agents down; every task there is killed)`];
  lines.push(...machineLines(plan.machines));
  for (const t of plan.killed) {
    const what = t.app ? `${t.app}${t.resident ? ', resident: waits on its reservation until the machine is up' : ', rescheduled elsewhere'}` : `${t.framework}: its framework decides where it goes`;
    lines.push(`KILL    ${t.task} (${what})`);
  }
  for (const a of plan.statefulApps.filter((x) => x.losesLastInstance)) {
    lines.push(`LOSES   ${a.app}: last running instance${a.onlyCopy ? '; these agents hold the only copy of its data' : ''}${plan.forced ? ' (--force)' : ''}`);
  }
  if (n > 0) lines.push('KEEP    reservations and persistent volumes on the agents (nothing is deleted)');
  for (const t of plan.alreadyDown) lines.push(`DONE    ${describeMachine(t.machine)} is DOWN already`);
  if (plan.request) lines.push(`SEND    ${requestLine(plan.request.method, plan.request.url, plan.request.body)}`);
  lines.push(...refusedSection(plan.refused));
  return `${lines.join('\n')}\n`;
}
