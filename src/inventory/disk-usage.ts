import type { AgentAccess } from '../agent/access.js';
import { fanOut } from '../agent/fanout.js';
import type { VolumeDetail } from '../domain/volume-details.js';

/**
 * Measure each volume's size on disk over SSH (`du` on its agent, one agent per slot, bounded
 * concurrency). Fills `sizeOnDisk`; a volume that cannot be measured gets a note saying why.
 */
export async function measureDiskUsage(access: AgentAccess, details: VolumeDetail[], signal?: AbortSignal): Promise<void> {
  const byAgent = new Map<string, VolumeDetail[]>();
  for (const d of details) {
    if (d.hostPath === null || d.agentId === null || d.host === null) continue;
    byAgent.set(d.agentId, [...(byAgent.get(d.agentId) ?? []), d]);
  }
  const groups = [...byAgent.values()];
  const targets = groups.map((g) => access.target({ id: g[0]?.agentId ?? null, host: g[0]?.host ?? '' }));
  const outcomes = await fanOut(
    targets,
    async (agent, agentSignal) => {
      const group = groups[targets.indexOf(agent)] ?? [];
      for (const d of group) {
        try {
          const size = await access.fs.directorySize(agent, d.hostPath as string, { signal: agentSignal });
          d.sizeOnDisk = size.bytes;
        } catch (e) {
          d.notes.push(`size on disk unknown: ${(e as Error).message}`);
        }
      }
    },
    { concurrency: access.settings.concurrency, perAgentTimeoutMs: access.settings.perAgentTimeoutMs, ...(signal ? { signal } : {}) },
  );
  outcomes.forEach((o, i) => {
    if (!o.ok) for (const d of groups[i] ?? []) if (d.sizeOnDisk === null) d.notes.push(`size on disk unknown: ${o.error.message}`);
  });
}
