import type { ChalkInstance } from 'chalk';
import type { TableLayout } from '../core/io.js';
import { printable } from '../domain/mesos-ids.js';
import type { VolumeDetail } from '../domain/volume-details.js';
import { formatBytes } from './bytes.js';
import { paintWord } from './colour.js';
import { renderTable, shortAgentId } from './table.js';

/** `volumes list`: one row per persistent volume. */

export function renderVolumesTable(rows: VolumeDetail[], layout: TableLayout = { wide: true }, paint?: ChalkInstance): string {
  const word = (w: string) => (paint ? paintWord(paint, w) : w);
  return renderTable(
    [
      { header: 'APP', value: (r: VolumeDetail) => r.app, shrink: true },
      { header: 'TASK', value: (r) => r.task, shrink: 'middle' },
      { header: 'STATE', value: (r) => word(r.taskState) },
      { header: 'HOST', value: (r) => r.host ?? 'N/A' },
      { header: 'AGENT', value: (r) => (r.agentId === null ? 'N/A' : shortAgentId(r.agentId, layout)), wide: true },
      { header: 'CONTAINER PATH', value: (r) => r.containerPath, shrink: true },
      { header: 'PERSISTENCE ID', value: (r) => printable(r.persistenceId), wide: true },
      { header: 'MESOS', value: (r) => (r.mesos.volumeKnown ? 'known' : 'unknown') },
      { header: 'ON DISK', value: (r) => (r.sizeOnDisk === null ? '-' : formatBytes(r.sizeOnDisk)), align: 'right' },
      {
        header: 'HOST PATH',
        value: (r) => (r.hostPath === null ? `(unavailable: ${r.hostPathProblem})` : printable(r.hostPath)),
        shrink: 'middle',
      },
    ],
    rows,
    layout,
  );
}
