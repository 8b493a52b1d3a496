import type { MaintenanceWindow } from '../model/mesos.js';
import { describeMachine } from '../domain/maintenance.js';
import type { MachineTarget } from '../operations/agents/maintenance.js';

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
