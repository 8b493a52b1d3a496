import { z } from 'zod';

/**
 * The manifest written beside every volume archive (`<archive>.json`), by `volumes backup`, by `wipe
 * --backup-dir` and by `volumes restore --replace` alike. It is what `volumes restore` trusts: nothing
 * is sent to an agent unless the archive's size, checksum and entries match it.
 */

export const MANIFEST_FORMAT = 'stateful-ops-volume-backup';
export const MANIFEST_FORMAT_VERSION = 1;

const nonEmpty = z.string().min(1);
const count = z.number().int().nonnegative();

const ManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  formatVersion: z.literal(MANIFEST_FORMAT_VERSION),
  createdAt: z.iso.datetime({ offset: true }),
  tool: z.object({ name: z.literal('stateful-ops'), version: nonEmpty }),
  app: nonEmpty.startsWith('/'),
  task: nonEmpty,
  instance: nonEmpty,
  persistenceId: nonEmpty,
  containerPath: nonEmpty,
  agent: z.object({ id: nonEmpty.nullable(), host: nonEmpty }),
  hostPath: nonEmpty.startsWith('/'),
  live: z.boolean(),
  archive: z.object({
    // A bare name: the archive is always the file beside its manifest, never a path elsewhere.
    file: nonEmpty.regex(/^[^/\0]+$/, 'must be a file name without a directory').refine((f) => f !== '.' && f !== '..', 'must be a file name'),
    bytes: count,
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
    entries: count,
    fileBytes: count,
  }),
  tar: z.object({ version: z.string(), options: z.array(z.string()) }),
  versions: z.object({ mesos: z.string().nullable(), marathon: z.string().nullable() }),
});

export type BackupManifest = z.infer<typeof ManifestSchema>;

/** The manifest of `archive` (a path or a name): `<archive>.json`. */
export function manifestPathFor(archive: string): string {
  return `${archive}.json`;
}

/** A parsed manifest, or every reason it is not one (wrong format, a field missing or malformed). */
export function validateManifest(value: unknown): { ok: true; manifest: BackupManifest } | { ok: false; problems: string[] } {
  const parsed = ManifestSchema.safeParse(value);
  if (parsed.success) return { ok: true, manifest: parsed.data };
  const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'manifest'}: ${i.message}`);
  return { ok: false, problems };
}

/** What was measured of an archive file (locally, by reading it back). */
export interface ArchiveFacts {
  bytes: number;
  sha256: string;
  entries: number;
  fileBytes: number;
}

/** Why the archive is not the one its manifest describes; empty = it is. */
export function archiveMismatch(manifest: BackupManifest, facts: ArchiveFacts): string[] {
  const a = manifest.archive;
  const problems: string[] = [];
  if (facts.bytes !== a.bytes) problems.push(`the archive is ${facts.bytes} bytes, the manifest says ${a.bytes}`);
  if (facts.sha256 !== a.sha256) problems.push(`its sha256 is ${facts.sha256}, the manifest says ${a.sha256}`);
  if (facts.entries !== a.entries) problems.push(`it holds ${facts.entries} entries, the manifest says ${a.entries}`);
  if (facts.fileBytes !== a.fileBytes) problems.push(`its files hold ${facts.fileBytes} bytes, the manifest says ${a.fileBytes}`);
  return problems;
}

/** The task and volume a restore would write into. */
export interface RestoreTarget {
  app: string;
  task: string;
  state: string;
  containerPaths: readonly string[];
}

/**
 * Why the archive must not go into this task's volume: only the same app and container path (another
 * app's data, or another volume of the same app, is never what its process expects), and only a
 * waiting task (a running one has a writer).
 */
export function restoreRefusals(manifest: BackupManifest, target: RestoreTarget): string[] {
  const reasons: string[] = [];
  if (manifest.app !== target.app) reasons.push(`the archive is of app ${manifest.app}, the task belongs to ${target.app}`);
  if (!target.containerPaths.includes(manifest.containerPath)) {
    reasons.push(`the task has no volume ${manifest.containerPath} (it has ${target.containerPaths.join(', ') || 'none'})`);
  }
  if (target.state === 'running') {
    reasons.push(`the task is running: scale ${target.app} down by one so it becomes a waiting reservation, then restore`);
  } else if (target.state !== 'waiting') {
    reasons.push(`the task is ${target.state}, not waiting: its volume cannot be written safely`);
  }
  return reasons;
}

/** The difference between what was extracted on the agent and what the archive holds; empty = same. */
export function restoredMismatch(manifest: BackupManifest, restored: { entries: number; fileBytes: number }): string[] {
  const problems: string[] = [];
  if (restored.entries !== manifest.archive.entries) problems.push(`${restored.entries} entries are in the volume, the archive holds ${manifest.archive.entries}`);
  if (restored.fileBytes !== manifest.archive.fileBytes) problems.push(`its files hold ${restored.fileBytes} bytes, the archive's ${manifest.archive.fileBytes}`);
  return problems;
}

/**
 * `<app>__<task>__<container path>__<UTC time>.tar`, anything unusual in a file name replaced; the
 * time keeps successive backups of one volume apart.
 */
export function archiveFileName(app: string, task: string, containerPath: string, at: Date): string {
  const safe = (s: string) => s.replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]/g, '_');
  // Milliseconds: two backups of one volume in one second (a --replace right after a backup) stay apart.
  const stamp = at.toISOString().replace(/[-:]/g, '');
  return `${safe(app)}__${safe(task)}__${safe(containerPath)}__${stamp}.tar`;
}

/**
 * Entries and regular-file bytes of a GNU `tar -tv --numeric-owner` listing (LC_ALL=C): one line per
 * member, `<mode> <uid>/<gid> <size> <date> <time> <name>`. The archive root `./` is not counted; a
 * hard link (`h`) carries no data of its own.
 */
export function tarListingTotals(listing: string): { entries: number; fileBytes: number } {
  let entries = 0;
  let fileBytes = 0;
  for (const line of listing.split('\n')) {
    if (line === '') continue;
    const fields = line.split(/\s+/);
    const name = fields.slice(5).join(' ');
    if (name === './' || name === '.') continue;
    entries++;
    if (line[0] === '-') fileBytes += Number(fields[2] ?? 0);
  }
  return { entries, fileBytes };
}
