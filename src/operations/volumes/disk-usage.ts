import type { AgentAccess } from '../../agent/access.js';
import { fanOutByAgent } from '../../agent/fanout.js';
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
  const measurable = details.filter((d) => d.hostPath !== null && d.agentId !== null && d.host !== null);
  const agentCount = new Set(measurable.map((d) => d.agentId)).size;
  let scanned = 0;
  onAgentsScanned?.(0, agentCount);
  const groups = await fanOutByAgent(
    measurable,
    (d) => access.target({ id: d.agentId, host: d.host ?? '' }),
    async (agent, group, agentSignal) => {
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
      onSettled: () => onAgentsScanned?.(++scanned, agentCount),
    },
  );
  for (const { items, outcome } of groups) {
    if (!outcome.ok) for (const d of items) if (d.sizeOnDisk === null) d.notes.push(`size on disk unknown: ${outcome.error.message}`);
  }
  const failures = groups.flatMap(({ outcome }) => (outcome.ok ? (outcome.value ? [outcome.value] : []) : [outcome.error]));
  return { targeted: groups.length, failures };
}
