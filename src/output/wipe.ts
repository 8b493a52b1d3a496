import type { Logger } from '../core/log.js';
import { printable } from '../domain/mesos-ids.js';
import type { Refusal, TaskWipePlan } from '../domain/wipe-plan.js';
import type { TaskWipeResult } from '../operations/wipe/execute.js';
import { formatBytes } from './bytes.js';
import { deleteLine, refusedSection } from './plan.js';
import { renderTable } from './table.js';

/** `wipe`: the plan (exactly what will run), the results table, and what each outcome leaves to the operator. */

export function renderWipePlan(plan: { marathonUrl: string; skipData: boolean; tasks: TaskWipePlan[]; refused: Refusal[]; alreadyExpunged: string[] }): string {
  const lines: string[] = [];
  const n = plan.tasks.length;
  const volumes = plan.tasks.flatMap((t) => t.volumes);
  const bytes = volumes.reduce((acc, v) => acc + (v.bytes ?? 0), 0);
  const entries = volumes.reduce((acc, v) => acc + (v.entries ?? 0), 0);
  const totals = plan.skipData
    ? `${volumes.length} volume${volumes.length === 1 ? '' : 's'} kept on disk`
    : `${volumes.length} volume${volumes.length === 1 ? '' : 's'}, ${formatBytes(bytes)} in ${entries} entries to delete`;
  const refused = plan.refused.length > 0 ? `; ${plan.refused.length} refused` : '';
  lines.push(`Plan: ${n} task${n === 1 ? '' : 's'} to ${plan.skipData ? 'expunge (data left on disk)' : 'wipe'}`, `TOTAL   ${totals}${refused}`);
  for (const t of plan.tasks) {
    lines.push('', `TASK    ${t.task}`, `APP     ${t.app}`, `AGENT   ${t.agentId ?? 'N/A'} (${t.host ?? 'no host'})`);
    for (const v of t.volumes) {
      if (plan.skipData) lines.push(`KEEP    ${printable(v.hostPath)} (on the lost node's disk, not touched)`);
      else lines.push(deleteLine({ path: v.hostPath, scope: 'contents', mountRoot: v.isMountRoot, bytes: v.bytes, entries: v.entries }));
      if (v.deleteAgain) lines.push(`AGAIN   an earlier run deleted it, but ${v.entries} entries are there now: they are deleted again`);
    }
    lines.push(`THEN    ${t.expunge.method} ${plan.marathonUrl}${t.expunge.path}`);
  }
  for (const id of plan.alreadyExpunged) lines.push('', `DONE    ${id}: expunged by an earlier run`);
  lines.push(...refusedSection(plan.refused.map((r) => ({ item: r.task, reasons: r.reasons }))));
  return lines.join('\n') + '\n';
}

export function renderWipeResults(results: TaskWipeResult[]): string {
  return (
    '\n' +
    renderTable(
      [
        { header: 'TASK', value: (r: TaskWipeResult) => r.task },
        { header: 'AGENT', value: (r) => r.host ?? 'N/A' },
        {
          header: 'DELETED',
          value: (r) => (r.dataLeftOnDisk ? 'data left' : r.dataDeletedAt === null ? '-' : `${formatBytes(r.bytesDeleted)}${r.deleteConfirmed === false ? ' (not confirmed)' : ''}`),
          align: 'right',
        },
        { header: 'BACKUP', value: (r) => (r.backups.length > 0 ? r.backups.join(',') : '-') },
        { header: 'OUTCOME', value: (r) => (r.error ? `${r.outcome}: ${r.error}` : r.outcome) },
      ],
      results,
    )
  );
}

export function reportWipeLeftovers(log: Logger, results: TaskWipeResult[]): void {
  for (const r of results) {
    if (r.outcome === 'relaunched') log.error(`${r.task}: RELAUNCHED AFTER ITS DATA WAS DELETED — ${r.error}`);
    if (r.outcome === 'deleted-not-expunged') log.warn(`${r.task}: ${r.error}; re-run the same command to expunge it once that is resolved.`);
    if (r.deleteConfirmed === false) log.warn(`${r.task}: the delete ran but its report was lost; the directory was re-inspected and is empty (deleted, not confirmed).`);
    if (r.dataLeftOnDisk && r.outcome === 'expunged') {
      const where = r.dataLeftOnDisk.paths.map((p) => printable(p)).join(', ') || 'its volume directories';
      log.warn(`${r.task}: the data stays on ${r.dataLeftOnDisk.host ?? 'the lost node'}'s disk at ${where}; delete it there if the node comes back.`);
    }
  }
  if (results.some((r) => r.outcome === 'refused')) {
    log.hint('Refused tasks were not touched: resolve the reason shown, then run the same command again.');
  }
  if (results.some((r) => r.outcome === 'interrupted' || r.outcome === 'failed')) {
    log.hint('Re-run the same command to resume: finished steps are not repeated.');
  }
}
