import type { AgentAccess } from '../../agent/access.js';
import { fanOut } from '../../agent/fanout.js';
import type { VolumeDetail } from '../../domain/volume-details.js';
import { isCliError, type CliError } from '../../core/errors.js';

/** What measuring cost: the agents contacted and, per agent where nothing could be measured, why. */
export interface DiskUsageRun {
  targeted: number;
  failures: CliError[];
}

/**
 * Measure each volume's size on disk over SSH (`du` on its agent, one agent per slot, bounded
 * concurrency). Fills `sizeOnDisk`; a volume that cannot be measured gets a note saying why.
 */
export async function measureDiskUsage(
  access: AgentAccess,
  details: VolumeDetail[],
  signal?: AbortSignal,
  onAgentsScanned?: (done: number, total: number) => void,
): Promise<DiskUsageRun> {
  const byAgent = new Map<string, VolumeDetail[]>();
  for (const d of details) {
    if (d.hostPath === null || d.agentId === null || d.host === null) continue;
    byAgent.set(d.agentId, [...(byAgent.get(d.agentId) ?? []), d]);
  }
  const groups = [...byAgent.values()];
  const targets = groups.map((g) => access.target({ id: g[0]?.agentId ?? null, host: g[0]?.host ?? '' }));
  let scanned = 0;
  onAgentsScanned?.(0, targets.length);
  const outcomes = await fanOut(
    targets,
    async (agent, agentSignal) => {
      const group = groups[targets.indexOf(agent)] ?? [];
      let measured = 0;
      let firstError: CliError | null = null;
      for (const d of group) {
        try {
          const size = await access.fs.directorySize(agent, d.hostPath as string, { signal: agentSignal });
          d.sizeOnDisk = size.bytes;
          measured++;
        } catch (e) {
          d.notes.push(`size on disk unknown: ${(e as Error).message}`);
          if (firstError === null && isCliError(e)) firstError = e;
        }
      }
      return measured === 0 ? firstError : null;
    },
    {
      concurrency: access.settings.concurrency,
      perAgentTimeoutMs: access.settings.perAgentTimeoutMs,
      ...(signal ? { signal } : {}),
      onSettled: () => onAgentsScanned?.(++scanned, targets.length),
    },
  );
  outcomes.forEach((o, i) => {
    if (!o.ok) for (const d of groups[i] ?? []) if (d.sizeOnDisk === null) d.notes.push(`size on disk unknown: ${o.error.message}`);
  });
  const failures = outcomes.flatMap((o) => (o.ok ? (o.value ? [o.value] : []) : [o.error]));
  return { targeted: targets.length, failures };
}
