import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentAccess } from '../../agent/access.js';
import type { ClusterClients } from '../../context/context.js';
import { CliError } from '../../core/errors.js';
import {
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  archiveFileName,
  archiveMismatch,
  manifestPathFor,
  validateManifest,
  type BackupManifest,
} from '../../domain/backup-manifest.js';
import { instanceOf } from '../../domain/wipe-recheck.js';
import { measureArchive, sha256Of } from '../../safety/tar-verify.js';
import { packageVersion } from '../../core/version.js';

/** One volume to archive: where it is and what it belongs to (all recorded in the manifest). */
export interface VolumeToArchive {
  app: string;
  task: string;
  agentId: string | null;
  host: string;
  persistenceId: string;
  containerPath: string;
  hostPath: string;
  /** The task was running: the copy is crash-consistent at best. */
  live: boolean;
}

export interface ClusterVersions {
  marathon: string | null;
  /** Per agent id, the version its master lists. */
  mesos: Map<string, string>;
}

export interface WrittenArchive {
  archive: string;
  manifestFile: string;
  manifest: BackupManifest;
  /** tar saw files change while it read them (a live backup). */
  warning?: string;
}

/** A big volume takes long to stream; the SSH connect timeout still applies. */
export const LONG_STEP_MS = 6 * 60 * 60 * 1000;

/** Marathon's and the agents' Mesos versions, for the manifests; what cannot be read is recorded as null. */
export async function clusterVersions(clients: ClusterClients, agentIds: readonly (string | null)[]): Promise<ClusterVersions> {
  const ids = [...new Set(agentIds.filter((id): id is string => typeof id === 'string' && id !== ''))];
  const [info, slaves] = await Promise.allSettled([clients.marathon.info(), ids.length > 0 ? clients.mesos.slaves(ids) : Promise.resolve({ slaves: [] })]);
  const mesos = new Map<string, string>();
  if (slaves.status === 'fulfilled') for (const s of slaves.value.slaves) if (s.version) mesos.set(s.id, s.version);
  return { marathon: info.status === 'fulfilled' ? info.value.version : null, mesos };
}

/**
 * The one way a volume is archived (`volumes backup`, `wipe --backup-dir`, `restore --replace`): tar
 * streamed over SSH into `<dir>/<name>.tar`, read back in full (size, sha256, entries, file bytes) and
 * compared with what the agent counted, then the manifest written beside it (`<name>.tar.json`). Any
 * mismatch removes the archive and throws: a backup that does not verify does not exist.
 */
export async function archiveVolume(
  access: AgentAccess,
  volume: VolumeToArchive,
  dir: string,
  versions: ClusterVersions,
  options: { signal?: AbortSignal; now?: Date } = {},
): Promise<WrittenArchive> {
  const now = options.now ?? new Date();
  const name = archiveFileName(volume.app, volume.task, volume.containerPath, now);
  const archive = join(dir, name);
  const manifestFile = manifestPathFor(archive);
  const target = access.target({ id: volume.agentId, host: volume.host });
  const remote = await access.fs.tarDirectory(target, volume.hostPath, archive, { timeoutMs: LONG_STEP_MS, ...(options.signal ? { signal: options.signal } : {}) });
  try {
    const facts = await measureArchive(archive);
    const seen = { bytes: remote.bytes, entries: remote.entries, fileBytes: remote.fileBytes };
    const problems = [
      ...(facts.bytes !== seen.bytes ? [`${facts.bytes} bytes on disk, ${seen.bytes} received`] : []),
      ...(facts.entries !== seen.entries ? [`it holds ${facts.entries} entries but the agent counted ${seen.entries}`] : []),
      ...(facts.fileBytes !== seen.fileBytes ? [`its files hold ${facts.fileBytes} bytes but the agent counted ${seen.fileBytes}`] : []),
    ];
    if (problems.length > 0) throw new CliError('error', `backup ${archive} does not verify: ${problems.join('; ')}`);
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      formatVersion: MANIFEST_FORMAT_VERSION,
      createdAt: now.toISOString(),
      tool: { name: 'stateful-ops', version: packageVersion() },
      app: volume.app,
      task: volume.task,
      instance: instanceOf(volume.task),
      persistenceId: volume.persistenceId,
      containerPath: volume.containerPath,
      agent: { id: volume.agentId, host: volume.host },
      hostPath: volume.hostPath,
      live: volume.live,
      archive: { file: name, ...facts },
      tar: { version: remote.version ?? '', options: remote.options },
      versions: { mesos: (volume.agentId ? versions.mesos.get(volume.agentId) : undefined) ?? null, marathon: versions.marathon },
    };
    await writeManifest(manifestFile, manifest);
    return { archive, manifestFile, manifest, ...(remote.warning ? { warning: remote.warning } : {}) };
  } catch (e) {
    await rm(archive, { force: true });
    await rm(manifestFile, { force: true });
    throw e;
  }
}

/** Written next to its archive through a temporary file, then read back and validated. */
async function writeManifest(file: string, manifest: BackupManifest): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  await rename(tmp, file);
  const back = validateManifest(JSON.parse(await readFile(file, 'utf8')));
  if (!back.ok) throw new CliError('error', `the manifest ${file} does not read back: ${back.problems.join('; ')}`);
}

/** A manifest and its archive as found on disk, judged; `problems` empty = usable. */
export interface CheckedArchive {
  archive: string;
  manifestFile: string;
  manifest: BackupManifest | null;
  problems: string[];
}

/** Reads and validates the manifest beside `archive`; with `verify`, also reads the whole archive back. */
export async function checkArchive(archive: string, verify: boolean): Promise<CheckedArchive> {
  const manifestFile = manifestPathFor(archive);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(manifestFile, 'utf8'));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    return { archive, manifestFile, manifest: null, problems: [missing ? `no manifest ${manifestFile} beside it` : `manifest ${manifestFile} unreadable: ${(e as Error).message}`] };
  }
  const valid = validateManifest(raw);
  if (!valid.ok) return { archive, manifestFile, manifest: null, problems: valid.problems.map((p) => `manifest ${p}`) };
  const manifest = valid.manifest;
  if (!archive.endsWith(`/${manifest.archive.file}`) && archive !== manifest.archive.file) {
    return { archive, manifestFile, manifest, problems: [`the manifest describes ${manifest.archive.file}, not this file`] };
  }
  if (!verify) return { archive, manifestFile, manifest, problems: [] };
  try {
    // Size and checksum first: a tampered archive is told as such, not as whatever tar makes of it.
    const [bytes, sha256] = await Promise.all([stat(archive).then((s) => s.size), sha256Of(archive)]);
    const whole = archiveMismatch(manifest, { ...manifest.archive, bytes, sha256 });
    if (whole.length > 0) return { archive, manifestFile, manifest, problems: whole };
    return { archive, manifestFile, manifest, problems: archiveMismatch(manifest, await measureArchive(archive)) };
  } catch (e) {
    return { archive, manifestFile, manifest, problems: [(e as Error).message] };
  }
}
