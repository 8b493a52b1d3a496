import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AgentAccess } from '../../agent/access.js';
import { normalizeAgentPath } from '../../agent/agent-path.js';
import { ScriptExit, scripts } from '../../agent/remote-scripts.js';
import type { AgentTarget } from '../../agent/settings.js';
import { sshFailureError } from '../../agent/ssh-errors.js';
import { sha256, type FileEdit } from '../../domain/recovery/fix-plan.js';
import { sameSettingValue, type SettingName } from '../../domain/recovery/settings.js';
import type { Journal } from '../../journal/journal.js';
import { mapSettledLimit } from '../../core/map-limit.js';
import { sshConfigReader } from '../../agent/config-reader.js';
import { collectAgentConfig } from '../../domain/recovery/collect.js';
import { checkCollected } from './check.js';
import type { AgentFix } from './fix-plan.js';

/**
 * - fixed: every edit written and the agent's files, read again, give the planned values
 * - refused: a fence said no (the file changed since it was planned, or it is a symlink); nothing of
 *   this agent was written in this run after that point
 * - failed: a step failed (`error` says which); interrupted: not reached after Ctrl-C
 */
export type FixOutcome = 'fixed' | 'refused' | 'failed' | 'interrupted';

export interface AgentFixResult {
  agent: string | null;
  host: string | null;
  outcome: FixOutcome;
  /** Files written (this run), with the backup of each original. */
  written: { path: string; backup: string | null; sha256: string }[];
  /** The effective values read back after the edits (only when fixed). */
  verified: Partial<Record<SettingName, string>> | null;
  error: string | null;
}

export interface ApplyOptions {
  journal: Journal;
  /** Originals are copied here, by agent and path, before any edit. */
  backupDir: string;
  concurrency: number;
  signal: AbortSignal;
}

class Refused extends Error {}

/** Writes each planned agent's edits (agents in parallel, one agent's files in order), then reads them back. */
export async function applyFleetFix(access: AgentAccess, fixes: AgentFix[], o: ApplyOptions): Promise<AgentFixResult[]> {
  const planned = fixes.filter((f) => (f.plan?.edits.length ?? 0) > 0);
  const settled = await mapSettledLimit(planned, o.concurrency, (fix) => applyOne(access, fix, o));
  return settled.map((s, i) => {
    const fix = planned[i] as AgentFix;
    if (s.status === 'fulfilled') return s.value;
    const error = s.reason instanceof Error ? s.reason.message : String(s.reason);
    return { agent: fix.agent, host: fix.host, outcome: s.reason instanceof Refused ? 'refused' : 'failed', written: [], verified: null, error };
  });
}

async function applyOne(access: AgentAccess, fix: AgentFix, o: ApplyOptions): Promise<AgentFixResult> {
  const item = fix.agent ?? (fix.host as string);
  const target = access.target({ id: fix.agent, host: fix.host as string });
  const result: AgentFixResult = { agent: fix.agent, host: fix.host, outcome: 'fixed', written: [], verified: null, error: null };
  for (const edit of fix.plan?.edits ?? []) {
    if (o.signal.aborted) return { ...result, outcome: 'interrupted', error: `not reached: ${edit.path} (interrupted)` };
    const backup = await o.journal.runStep(item, `backup:${edit.path}`, async () => ({ file: backupOriginal(o.backupDir, item, edit) }), { again: true });
    const file = (backup.detail?.file as string | null | undefined) ?? null;
    try {
      const written = await o.journal.runStep(item, `write:${edit.path}`, () => writeEdit(access, target, edit, o.signal), {
        started: { before: edit.beforeHash, after: edit.afterHash, backup: file },
        again: true,
      });
      result.written.push({ path: edit.path, backup: file, sha256: (written.detail?.sha256 as string) ?? edit.afterHash });
    } catch (e) {
      if (e instanceof Refused) return { ...result, outcome: 'refused', error: e.message };
      throw e;
    }
  }
  const verified = await o.journal.runStep(item, 'verify', () => verifyAgent(access, target, fix, o.signal), { again: true });
  return { ...result, verified: verified.detail?.values as Record<SettingName, string> };
}

/** The original as the plan read it (the fence proves the agent still has exactly this), or null when absent. */
function backupOriginal(dir: string, item: string, edit: FileEdit): string | null {
  if (edit.before === null) return null;
  const file = join(dir, item.replace(/[^A-Za-z0-9._-]/g, '_'), `${normalizeAgentPath(edit.path).replace(/^\/+/, '')}@${edit.beforeHash.slice(0, 12)}`);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, edit.before, { mode: 0o600 });
  return file;
}

async function writeEdit(access: AgentAccess, target: AgentTarget, edit: FileEdit, signal: AbortSignal): Promise<Record<string, unknown>> {
  const what = `writing ${edit.path}`;
  const args = [normalizeAgentPath(edit.path), edit.beforeHash, `b64:${Buffer.from(edit.after, 'utf8').toString('base64')}`];
  const r = await access.shell.runScript(target, scripts.replaceFile, args, { signal, what });
  const stderr = r.stderr.trim();
  if (r.exitCode === ScriptExit.REPLACED) throw new Refused(`${edit.path} changed since planned (${stderr}): nothing written; run --fix again to plan on the new content`);
  if (r.exitCode === ScriptExit.IS_SYMLINK || r.exitCode === ScriptExit.NOT_DIRECTORY) throw new Refused(`${stderr}: edit it by hand`);
  if (r.exitCode !== 0) {
    const hint = /denied|not permitted/i.test(stderr) && !access.settings.sudo ? ' (the files are root\'s: use --sudo)' : '';
    throw sshFailureError(target, { exitCode: r.exitCode, signal: null, stderr: `${stderr}${hint}` }, what);
  }
  const [hash = '', b64 = ''] = r.stdout.toString('utf8').split('\n');
  const reread = Buffer.from(b64, 'base64').toString('utf8');
  if (hash !== edit.afterHash || sha256(reread) !== edit.afterHash) throw new Error(`${edit.path} reads back different from what was written (sha256 ${hash})`);
  return { sha256: hash };
}

/** Every file read again from the agent and layered with its systemd's rules: the planned values must be the effective ones. */
async function verifyAgent(access: AgentAccess, target: AgentTarget, fix: AgentFix, signal: AbortSignal): Promise<Record<string, unknown>> {
  const collected = await collectAgentConfig(sshConfigReader(access, target, signal), { preferPublic: fix.unit?.endsWith('-public.service') ?? false, offline: false });
  const report = checkCollected({ agent: fix.agent, host: fix.host, path: null }, collected, { live: null, window: null, offline: false, notes: [] });
  const values: Partial<Record<SettingName, string>> = {};
  for (const [name, wanted] of Object.entries(fix.plan?.after ?? {}) as [SettingName, string][]) {
    const now = report.settings?.[name]?.value;
    if (now === undefined || !sameSettingValue(name, now, wanted)) throw new Error(`read back, ${name} is ${now ?? 'unknown'}, not the planned ${wanted}`);
    values[name] = now;
  }
  const left = report.findings.filter((f) => fix.plan?.addressed.some((a) => a.rule === f.rule && a.setting === f.setting));
  if (left.length > 0) throw new Error(`read back, still: ${left.map((f) => `${f.rule} ${f.location ?? ''}`.trim()).join('; ')}`);
  return { values };
}
