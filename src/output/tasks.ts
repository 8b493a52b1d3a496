import type { ChalkInstance } from 'chalk';
import type { TableLayout } from '../core/io.js';
import { printable } from '../domain/mesos-ids.js';
import { mesosCheckWord, type StatefulTaskView } from '../domain/stateful-tasks.js';
import type { VolumeDetail } from '../domain/volume-details.js';
import { paintWord } from './colour.js';
import { renderTable, shortAgentId } from './table.js';

/** `tasks list` (the table) and `tasks show` (one task and its volumes, key: value). */

export interface TasksTableOptions {
  layout?: TableLayout;
  paint?: ChalkInstance;
  /** Add the MESOS column (the --reservations cross-check). */
  mesos?: boolean;
}

export function renderTasksTable(rows: StatefulTaskView[], o: TasksTableOptions = {}): string {
  const layout = o.layout ?? { wide: true };
  const word = (w: string) => (o.paint ? paintWord(o.paint, w) : w);
  return renderTable(
    [
      { header: 'APP', value: (r: StatefulTaskView) => r.app, shrink: true },
      { header: 'TASK', value: (r) => r.task, shrink: 'middle' },
      { header: 'HOST', value: (r) => r.host ?? 'N/A' },
      { header: 'AGENT', value: (r) => (r.agentId === null ? 'N/A' : shortAgentId(r.agentId, layout)) },
      { header: 'STATE', value: (r) => word(r.state) },
      ...(o.mesos ? [{ header: 'MESOS', value: (r: StatefulTaskView) => word(mesosCheckWord(r)) }] : []),
      { header: 'VOLUMES', value: (r) => r.volumes.map((v) => v.containerPath).join(','), shrink: true },
      { header: 'MARATHON STATE', value: (r) => r.marathonState ?? 'N/A', wide: true },
      { header: 'AGENT STATUS', value: (r) => r.agentStatus, wide: true },
      { header: 'ROLE', value: (r) => r.role ?? 'N/A', wide: true },
    ],
    rows,
    layout,
  );
}

export function renderTaskShow(task: StatefulTaskView, volumes: VolumeDetail[]): string {
  const lines = [
    ...keyValues([
      ['TASK', task.task],
      ['APP', task.app],
      ['STATE', task.state],
      ['AGENT', `${task.agentId ?? 'N/A'} (${task.host ?? 'no host'}, ${task.agentStatus})`],
    ]),
  ];
  if (task.note) lines.push(...keyValues([['NOTE', task.note]]));
  for (const v of volumes) {
    lines.push('', `VOLUME ${v.containerPath}`);
    lines.push(...renderVolume(v).map((l) => `  ${l}`));
  }
  return lines.join('\n') + '\n';
}

export function renderVolume(v: VolumeDetail): string[] {
  const id = v.persistenceIdValid ? v.persistenceId : `${printable(v.persistenceId)} (INVALID: ${v.persistenceIdProblem})`;
  const mesos = v.mesos.volumeKnown
    ? `volume known${v.mesos.inUse ? ', in use by a container' : ''}${v.mesos.source && v.mesos.source !== 'ROOT' ? `, ${v.mesos.source} disk` : ''}`
    : v.mesos.reservationKnown
      ? 'reservation known, volume not listed'
      : 'not known to the Mesos master';
  const pairs: [string, string][] = [
    ['PERSISTENCE ID', id],
    ['MODE', v.mode ?? 'N/A'],
    ['SIZE', v.sizeMb === null ? 'N/A' : `${v.sizeMb} MiB${v.type ? ` (${v.type})` : ''}`],
    ['ROLE', v.role === null ? 'unknown' : `${v.role}${v.roleSource ? ` (from ${v.roleSource})` : ''}`],
    ['WORK DIR', `${v.workDir} (${v.workDirSource === 'agent-flags' ? 'agent /flags' : 'DC/OS default'})`],
    ['HOST PATH', v.hostPath === null ? `unavailable: ${v.hostPathProblem}` : `${v.hostPath}${v.isMountRoot ? '  (mount root: contents only)' : ''}`],
    ['MESOS', mesos],
    ['ON DISK', v.sizeOnDisk === null ? 'not measured' : `${v.sizeOnDisk} bytes`],
  ];
  for (const note of v.notes) pairs.push(['NOTE', note]);
  return keyValues(pairs);
}

function keyValues(pairs: [string, string][]): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
}
