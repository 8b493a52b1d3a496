import type { MarathonFlavour } from './types.js';

/** `/db/mysql` → `db_mysql` (Marathon's PathId.safePath). */
export function safeAppId(appId: string): string {
  return appId.replace(/^\//, '').split('/').join('_');
}

/**
 * A time-based-looking UUID (Marathon uses v1 UUIDs) made from a counter, so scenarios are reproducible.
 * `node` picks the last two groups, letting scenarios keep the reference fixtures' values.
 */
export function sequentialUuid(counter: number, node = '11ec-9a03-0242ac130003'): string {
  const timeLow = (counter >>> 0).toString(16).padStart(8, '0');
  const timeMid = Math.floor(counter / 0x1_0000_0000).toString(16).padStart(4, '0');
  return `${timeLow}-${timeMid}-${node}`;
}

/** The UUID right after `uuid` in time_low: Marathon makes the volume UUID just before the task's. */
export function nextUuid(uuid: string): string {
  const timeLow = Number.parseInt(uuid.slice(0, 8), 16);
  return ((timeLow + 1) >>> 0).toString(16).padStart(8, '0') + uuid.slice(8);
}

export interface TaskIdParts {
  appId: string;
  uuid: string;
  resident: boolean;
  incarnation: number;
}

/** The task id as each flavour writes it (reference README §a "Task id formats"). */
export function formatTaskId(flavour: MarathonFlavour, p: TaskIdParts): string {
  const safe = safeAppId(p.appId);
  switch (flavour) {
    case '1.1':
      return `${safe}.${p.uuid}`;
    case '1.4':
      return p.resident ? `${safe}.${p.uuid}.${p.incarnation}` : `${safe}.${p.uuid}`;
    case '1.10':
      return `${safe}.instance-${p.uuid}._app.${p.incarnation}`;
  }
}

/** The `marathon_task_id` reservation label (§g): task id (1.1), id without `.N` (1.4.7+), instance id (1.8+). */
export function reservationLabelFor(flavour: MarathonFlavour, appId: string, uuid: string): string {
  const safe = safeAppId(appId);
  switch (flavour) {
    case '1.1':
    case '1.4':
      return `${safe}.${uuid}`;
    case '1.10':
      return `${safe}.instance-${uuid}`;
  }
}

const INCARNATION_14 = /^(.*\.[0-9a-fA-F-]{36})\.(\d+)$/;
const INCARNATION_110 = /^(.*)\._app\.(\d+)$/;

/** The instance a task id belongs to: 1.4+ match any incarnation's id to the current task. */
export function instanceKey(flavour: MarathonFlavour, taskId: string): string {
  if (flavour === '1.4') return INCARNATION_14.exec(taskId)?.[1] ?? taskId;
  if (flavour === '1.10') return INCARNATION_110.exec(taskId)?.[1] ?? taskId;
  return taskId;
}

/** The id of the next launch on the same reservation: 1.1 reuses the id, later versions count up. */
export function nextIncarnationId(flavour: MarathonFlavour, taskId: string): string {
  if (flavour === '1.4') {
    const m = INCARNATION_14.exec(taskId);
    return m ? `${m[1]}.${Number(m[2]) + 1}` : taskId;
  }
  if (flavour === '1.10') {
    const m = INCARNATION_110.exec(taskId);
    return m ? `${m[1]}._app.${Number(m[2]) + 1}` : taskId;
  }
  return taskId;
}

const TASK_ID_SHAPE =
  /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(_[a-z0-9]([a-z0-9.-]*[a-z0-9])?)*\.(instance-|marathon-)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(\._app\.\d+|\.\d+)?$/;

/** Whether Marathon could parse the string as a task id (POST /v2/tasks/delete answers 400 otherwise). */
export function isParsableTaskId(taskId: string): boolean {
  return TASK_ID_SHAPE.test(taskId);
}

/** The app a task id belongs to: `db_mysql.<…>` → `/db/mysql`. */
export function appIdOfTaskId(taskId: string): string {
  const dot = taskId.indexOf('.');
  return `/${(dot < 0 ? taskId : taskId.slice(0, dot)).split('_').join('/')}`;
}

export function persistenceIdFor(appId: string, containerPath: string, uuid: string): string {
  return `${safeAppId(appId)}#${containerPath}#${uuid}`;
}
