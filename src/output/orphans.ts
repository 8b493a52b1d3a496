import type { OrphanData, SkippedEntry } from '../domain/orphan-data.js';
import { describeReservation, type OrphanReservation } from '../domain/orphan-reservations.js';
import { printable } from '../domain/mesos-ids.js';
import type { PurgeResult } from '../operations/orphans/purge.js';
import type { ReleaseResult } from '../operations/orphans/release.js';
import { formatBytes } from './bytes.js';
import { deleteLine, refusedSection, type PlannedRefusal } from './plan.js';
import { renderTable } from './table.js';

/** `volumes orphans`: the report, the plan of --purge / --release-reservations, and their results. */

export function totalsOf(data: OrphanData[], reservations: OrphanReservation[]) {
  const sum = (f: (r: OrphanReservation) => number) => Math.round(reservations.reduce((acc, r) => acc + f(r), 0) * 1000) / 1000;
  return {
    dataDirectories: data.length,
    dataBytes: data.reduce((acc, d) => acc + (d.bytes ?? 0), 0),
    reservations: reservations.length,
    reservedCpus: sum((r) => r.totals.cpus),
    reservedMemMb: sum((r) => r.totals.memMb),
    reservedDiskMb: sum((r) => r.totals.diskMb),
  };
}

/** `calls`: print each operator call in full (-v); otherwise one summary line (the JSON has them all). */
export function renderReport(data: OrphanData[], reservations: OrphanReservation[], skipped: SkippedEntry[], operatorUrl: string, calls = false): string {
  const t = totalsOf(data, reservations);
  const lines: string[] = [];
  lines.push(`ORPHAN DATA: ${t.dataDirectories} director${t.dataDirectories === 1 ? 'y' : 'ies'}, ${formatBytes(t.dataBytes)} reclaimable`);
  if (data.length > 0) {
    lines.push(
      renderTable(
        [
          { header: 'AGENT', value: (d: OrphanData) => d.agentId },
          { header: 'HOST', value: (d) => d.hostname },
          { header: 'ROLE', value: (d) => d.role },
          { header: 'SIZE', value: (d) => (d.bytes === null ? '?' : formatBytes(d.bytes)), align: 'right' },
          { header: 'PATH', value: (d) => printable(d.path) },
        ],
        data,
      ).trimEnd(),
    );
  }
  lines.push('', `ORPHAN RESERVATIONS: ${t.reservations} (${t.reservedCpus} cpus, ${t.reservedMemMb} MB mem, ${t.reservedDiskMb} MB disk reserved)`);
  for (const r of reservations) {
    lines.push(
      '',
      `AGENT      ${r.agentId} (${r.hostname})`,
      `ROLE       ${r.role}`,
      `LABELS     marathon_framework_id=${r.frameworkId} marathon_task_id=${r.taskLabel ?? '(none)'}`,
      `RESERVED   ${r.totals.cpus} cpus, ${r.totals.memMb} MB mem, ${r.totals.diskMb} MB disk${r.volumes.length > 0 ? `; volumes ${r.volumes.map((v) => printable(v.persistenceId)).join(', ')}` : ''}`,
      `WHY        ${r.reason}`,
    );
    if (r.blocked) lines.push(`NOT NOW    ${r.blocked}`);
    lines.push(...(calls ? callLines(r, operatorUrl, 'RELEASE', 11) : [`RELEASE    ${r.calls.map((c) => c.type).join(', then ')}`]));
  }
  if (reservations.length > 0 && !calls) lines.push('', callsSummary(reservations));
  if (skipped.length > 0) {
    lines.push('', `NOT TOUCHED: ${skipped.length} unexpected entr${skipped.length === 1 ? 'y' : 'ies'} under roles directories`);
    for (const s of skipped) lines.push(`  ${s.hostname} ${printable(s.path)}: ${s.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

/** "3 operator calls (1 DESTROY_VOLUMES, 2 UNRESERVE_RESOURCES) for 2 agents; --json or -v for the calls" */
export function callsSummary(reservations: OrphanReservation[]): string {
  const byType = new Map<string, number>();
  for (const r of reservations) for (const c of r.calls) byType.set(c.type, (byType.get(c.type) ?? 0) + 1);
  const total = [...byType.values()].reduce((a, b) => a + b, 0);
  const agents = new Set(reservations.map((r) => r.agentId)).size;
  const kinds = [...byType].map(([type, n]) => `${n} ${type}`).join(', ');
  return `${total} operator call${total === 1 ? '' : 's'} (${kinds}) for ${agents} agent${agents === 1 ? '' : 's'}; --json or -v for the calls`;
}

/** Each call on one line, exactly as sent: `POST <url> <json body>`; the second one after `THEN`. */
function callLines(r: OrphanReservation, operatorUrl: string, firstLabel: string, width: number): string[] {
  return r.calls.map((call, i) => `${(i === 0 ? firstLabel : 'THEN').padEnd(width)}POST ${operatorUrl} ${JSON.stringify(call)}`);
}

export function renderCleanupPlan(plan: { data: OrphanData[]; reservations: OrphanReservation[]; refused: PlannedRefusal[] }, operatorUrl: string, calls = false): string {
  const n = plan.data.length;
  const m = plan.reservations.length;
  const t = totalsOf(plan.data, plan.reservations);
  const entries = plan.data.reduce((acc, d) => acc + (d.entries ?? 0), 0);
  const lines = [
    `Plan: remove ${n} orphaned volume director${n === 1 ? 'y' : 'ies'}, release ${m} reservation${m === 1 ? '' : 's'}`,
    `TOTAL   ${formatBytes(t.dataBytes)} in ${entries} entries to delete; ${t.reservedCpus} cpus, ${t.reservedMemMb} MB mem, ${t.reservedDiskMb} MB disk to release` +
      (plan.refused.length > 0 ? `; ${plan.refused.length} refused` : ''),
  ];
  for (const d of plan.data) {
    lines.push('', `AGENT   ${d.agentId} (${d.hostname})`, deleteLine({ path: d.path, scope: 'directory', bytes: d.bytes, entries: d.entries }));
  }
  for (const r of plan.reservations) {
    lines.push('', `AGENT   ${r.agentId} (${r.hostname})`, `RESERVATION ${describeReservation(r)}`);
    lines.push(...(calls ? callLines(r, operatorUrl, 'RELEASE', 8) : [`RELEASE ${r.calls.map((c) => c.type).join(', then ')} (POST ${operatorUrl})`]));
  }
  if (plan.reservations.length > 0 && !calls) lines.push('', callsSummary(plan.reservations));
  lines.push(...refusedSection(plan.refused));
  return `${lines.join('\n')}\n`;
}

export function renderCleanupResults(purged: PurgeResult[], released: ReleaseResult[]): string {
  const rows = [
    ...purged.map((p) => ({ what: printable(p.path), host: p.host, done: purgeOutcome(p), error: p.error })),
    ...released.map((r) => ({ what: r.reservation, host: r.host, done: r.outcome, error: r.error })),
  ];
  return `\n${renderTable(
    [
      { header: 'HOST', value: (r: (typeof rows)[number]) => r.host },
      { header: 'ORPHAN', value: (r) => r.what },
      { header: 'OUTCOME', value: (r) => (r.error ? `${r.done}: ${r.error}` : r.done) },
    ],
    rows,
  )}`;
}

function purgeOutcome(p: PurgeResult): string {
  const again = p.again ? ' again (the journal said removed, but it was back on disk)' : '';
  if (p.outcome === 'removed') return `removed${again}, ${formatBytes(p.bytes)}`;
  if (p.outcome === 'removed-unconfirmed') return `removed${again}, not confirmed, ${formatBytes(p.bytes)}`;
  if (p.outcome === 'failed' && (p.bytes > 0 || p.entriesRemoved > 0)) return `failed after removing ${p.entriesRemoved} entries (${formatBytes(p.bytes)})`;
  return p.outcome;
}
