import { mkdirSync } from 'node:fs';
import type { AgentAccess } from '../../agent/access.js';
import type { ClusterClients } from '../../context/context.js';
import { CliError, isCliError } from '../../core/errors.js';
import { restoredMismatch, type BackupManifest } from '../../domain/backup-manifest.js';
import type { TaskWipePlan, VolumeWipePlan } from '../../domain/wipe-plan.js';
import type { Journal } from '../../journal/journal.js';
import { recheckPlan } from '../wipe/recheck.js';
import { archiveVolume, clusterVersions, LONG_STEP_MS } from './archive.js';

/** Journal steps of a restore, per container path. */
export const restoreStep = {
  backup: (containerPath: string) => `backup:${containerPath}`,
  delete: (containerPath: string) => `delete:${containerPath}`,
  restore: (containerPath: string) => `restore:${containerPath}`,
  verify: (containerPath: string) => `verify:${containerPath}`,
} as const;

/** Exactly what executeRestore does, decided before anything is touched. */
export interface RestorePlan {
  archive: string;
  manifest: BackupManifest;
  task: TaskWipePlan;
  volume: VolumeWipePlan;
  /** The volume holds entries: back them up here (--replace), then delete them. null = it is empty. */
  replaceInto: string | null;
  /** An earlier run's extraction was cut off: what it wrote is deleted, then the archive goes in again. */
  partial: boolean;
}

export interface RestoreResult {
  archive: string;
  app: string;
  task: string;
  agent: string | null;
  hostPath: string;
  outcome: 'restored';
  entries: number;
  fileBytes: number;
  /** --replace: where what was there before went. */
  replacedBackup: string | null;
  /** Something of the archive the agent's tar could not restore (xattrs/ACLs on an old tar). */
  warning: string | null;
}

/**
 * Runs a restore plan, each step journaled and preceded by a fresh re-read of the task (still waiting,
 * not relaunched, no deployment, agent active, nothing in its state using the volume): --replace's backup
 * of what is there, the fenced delete of it, then the fenced extraction — which checks on the agent, in
 * the same command, that the directory is the one inspected, not in use and still empty — and last a
 * count of what landed, against the manifest.
 */
export async function executeRestore(
  clients: ClusterClients,
  access: AgentAccess,
  plan: RestorePlan,
  journal: Journal,
  onProgress: (m: string) => void,
): Promise<RestoreResult> {
  const { task, volume, manifest } = plan;
  const target = access.target({ id: task.agentId, host: task.host ?? '' });
  const cp = volume.containerPath;
  const fence = { base: volume.fenceBase, ...(volume.deviceInode ? { expect: volume.deviceInode } : {}) };
  const recheck = async (before: string) => {
    const verdict = await recheckPlan(clients, { ...task, skipData: false });
    if (!verdict.ok) {
      journal.record(task.task, 'recheck', 'failed', { before, reasons: verdict.reasons });
      throw new CliError('refused', `refused right before ${before}: ${verdict.reasons.join('; ')}; nothing was written`);
    }
  };
  let replacedBackup: string | null = null;
  if (plan.replaceInto !== null || plan.partial) {
    if (plan.replaceInto !== null && !plan.partial) {
      const dir = plan.replaceInto;
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const done = await journal.runStep(task.task, restoreStep.backup(cp), async () => {
        await recheck(`backing up ${volume.hostPath}`);
        onProgress(`${task.task}: archiving what is in ${volume.hostPath} into ${dir}`);
        const versions = await clusterVersions(clients, [task.agentId]);
        const v = { app: task.app, task: task.task, agentId: task.agentId, host: task.host ?? '', persistenceId: volume.persistenceId, containerPath: cp, hostPath: volume.hostPath, live: false };
        const written = await archiveVolume(access, v, dir, versions);
        return { file: written.archive, manifest: written.manifestFile, sha256: written.manifest.archive.sha256 };
      });
      replacedBackup = typeof done.detail?.file === 'string' ? done.detail.file : null;
    }
    await journal.runStep(
      task.task,
      restoreStep.delete(cp),
      async () => {
        await recheck(`deleting what is in ${volume.hostPath}`);
        onProgress(`${task.task}: deleting the contents of ${volume.hostPath}`);
        const removed = await access.fs.deleteContentsFenced(target, volume.hostPath, fence, { timeoutMs: LONG_STEP_MS });
        return { removed: removed.removed };
      },
      { again: true },
    );
  }
  let restored;
  try {
    restored = await journal.runStep(
      task.task,
      restoreStep.restore(cp),
      async () => {
        await recheck(`writing into ${volume.hostPath}`);
        onProgress(`${task.task}: extracting ${plan.archive} into ${volume.hostPath} on ${task.host ?? '?'}`);
        const xattrs = manifest.tar.options.includes('--xattrs');
        // FenceRefusal is a 'refused' CliError (exit 4): nothing was written.
        const report = await access.fs.restoreFenced(target, volume.hostPath, fence, plan.archive, { xattrs }, { timeoutMs: LONG_STEP_MS });
        return { entries: report.entries, fileBytes: report.fileBytes, options: report.options, sha256: manifest.archive.sha256 };
      },
      { again: plan.partial, started: { archive: plan.archive, sha256: manifest.archive.sha256 } },
    );
  } catch (e) {
    // Refused before tar started: what is in the volume now is not ours, and a re-run must not take it for a partial restore.
    if (isCliError(e) && e.kind === 'refused') journal.record(task.task, restoreStep.restore(cp), 'skipped', { refused: e.message });
    throw e;
  }
  const entries = Number(restored.detail?.entries ?? -1);
  const fileBytes = Number(restored.detail?.fileBytes ?? -1);
  const mismatch = restoredMismatch(manifest, { entries, fileBytes });
  if (mismatch.length > 0) {
    journal.record(task.task, restoreStep.verify(cp), 'failed', { mismatch });
    throw new CliError('check-failed', `restored into ${volume.hostPath}, but ${mismatch.join('; ')}; inspect the volume; re-running the same command extracts the archive again`);
  }
  journal.record(task.task, restoreStep.verify(cp), 'done', { entries, fileBytes });
  const used = Array.isArray(restored.detail?.options) ? (restored.detail.options as unknown[]) : [];
  const warning =
    manifest.tar.options.includes('--xattrs') && !used.includes('--xattrs')
      ? `the archive holds xattrs and ACLs, but the tar on ${task.host ?? 'the agent'} cannot restore them (GNU tar 1.27+ can): files, owners, modes and times are restored`
      : null;
  return { archive: plan.archive, app: task.app, task: task.task, agent: task.host, hostPath: volume.hostPath, outcome: 'restored', entries, fileBytes, replacedBackup, warning };
}
