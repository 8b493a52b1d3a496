import { basename } from 'node:path';
import { printable } from '../domain/mesos-ids.js';
import type { BackupManifest } from '../domain/backup-manifest.js';
import { formatBytes } from './bytes.js';
import { renderTable } from './table.js';

/** The per-volume outcome of `volumes backup`. */
export interface BackupRow {
  task: string;
  containerPath: string;
  host: string | null;
  outcome: string;
  archive: string | null;
  entries: number | null;
  bytes: number | null;
  sha256: string | null;
  error: string | null;
}

export function renderBackupResults(rows: BackupRow[]): string {
  return renderTable(
    [
      { header: 'TASK', value: (r: BackupRow) => r.task },
      { header: 'VOLUME', value: (r) => r.containerPath },
      { header: 'AGENT', value: (r) => r.host ?? 'N/A' },
      { header: 'ENTRIES', value: (r) => (r.entries === null ? '-' : r.entries), align: 'right' },
      { header: 'SIZE', value: (r) => (r.bytes === null ? '-' : formatBytes(r.bytes)), align: 'right' },
      { header: 'SHA256', value: (r) => (r.sha256 === null ? '-' : r.sha256.slice(0, 12)) },
      { header: 'ARCHIVE', value: (r) => r.archive ?? '-' },
      { header: 'OUTCOME', value: (r) => (r.error ? `${r.outcome}: ${r.error}` : r.outcome) },
    ],
    rows,
  );
}

/** One archive of `volumes backups`. */
export interface ListedBackup {
  archive: string;
  manifest: BackupManifest | null;
  /** null: not verified (no --verify). */
  verified: boolean | null;
  problems: string[];
}

export function renderBackupList(rows: ListedBackup[]): string {
  return renderTable(
    [
      { header: 'ARCHIVE', value: (r: ListedBackup) => basename(r.archive) },
      { header: 'APP', value: (r) => r.manifest?.app ?? '-' },
      { header: 'VOLUME', value: (r) => r.manifest?.containerPath ?? '-' },
      { header: 'FROM AGENT', value: (r) => r.manifest?.agent.host ?? '-' },
      { header: 'CREATED', value: (r) => r.manifest?.createdAt ?? '-' },
      { header: 'ENTRIES', value: (r) => r.manifest?.archive.entries ?? '-', align: 'right' },
      { header: 'SIZE', value: (r) => (r.manifest ? formatBytes(r.manifest.archive.bytes) : '-'), align: 'right' },
      {
        header: 'STATUS',
        value: (r) => (r.problems.length > 0 ? `BAD: ${r.problems.join('; ')}` : r.verified ? 'verified' : r.manifest?.live ? 'ok (live copy)' : 'ok'),
      },
    ],
    rows,
  );
}

/** What `volumes restore` will do, step by step, before it does any of it. */
export interface RestorePlanView {
  archive: string;
  manifest: BackupManifest;
  task: string;
  agent: string;
  hostPath: string;
  entriesNow: number | null;
  bytesNow: number | null;
  replaceBackupDir: string | null;
  partialFromEarlierRun: boolean;
  refused: string[];
}

export function renderRestorePlan(p: RestorePlanView): string {
  const m = p.manifest;
  const lines = [
    `Plan: restore 1 volume`,
    '',
    `ARCHIVE ${p.archive} (${formatBytes(m.archive.bytes)}, ${m.archive.entries} entries, sha256 ${m.archive.sha256} verified)`,
    `FROM    ${m.task} ${m.containerPath} on ${m.agent.host}, ${m.createdAt}${m.live ? ' (a live, crash-consistent copy)' : ''}`,
    `TASK    ${p.task} (waiting)`,
    `AGENT   ${p.agent}`,
  ];
  const now = p.entriesNow === null ? 'size unknown' : `${p.entriesNow} entries${p.bytesNow === null ? '' : `, ${formatBytes(p.bytesNow)}`}`;
  if (p.partialFromEarlierRun) lines.push(`AGAIN   ${printable(p.hostPath)} holds what an interrupted restore wrote (${now}): deleted, then restored again`);
  else if (p.replaceBackupDir !== null) {
    lines.push(`BACKUP  ${printable(p.hostPath)} as it is now (${now}) into ${p.replaceBackupDir}`, `DELETE  contents of ${printable(p.hostPath)}`);
  }
  lines.push(`WRITE   ${printable(p.hostPath)} ← the archive (owners, modes and times kept), then count entries and bytes`);
  if (p.refused.length > 0) {
    lines.push('', 'Refused: nothing is touched');
    for (const r of p.refused) lines.push(`  - ${r}`);
  }
  return lines.join('\n') + '\n';
}
