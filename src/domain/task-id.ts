/**
 * Marathon task ids (../shared/reference/marathon/README.md §a "Task id formats", §g):
 * - 1.1–1.4.6   `<safeAppId>.<uuid>`
 * - 1.4.7–1.7   `<safeAppId>.<uuid>.<n>`                  (reservation label: without `.<n>`)
 * - 1.8+        `<safeAppId>.instance-<uuid>._app.<n>`     (reservation label: the instance id)
 *               legacy `<safeAppId>.marathon-<uuid>._app.<n>` / `<safeAppId>.<uuid>.<n>`
 * `safeAppId` is the app path with `/` replaced by `_`; app path segments cannot contain `_`, so it is reversible.
 */

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const SEGMENT = '[a-z0-9]([a-z0-9.-]*[a-z0-9])?';
const TASK_ID = new RegExp(
  `^(?<safeAppId>${SEGMENT}(_${SEGMENT})*)\\.(?<prefix>instance-|marathon-)?(?<uuid>${UUID})(?<suffix>\\._app\\.\\d+|\\.\\d+)?$`,
);

export interface ParsedTaskId {
  taskId: string;
  appId: string;
  uuid: string;
  /** Candidate values of the `marathon_task_id` reservation label, in the order versions used them. */
  reservationLabels: string[];
}

export function parseTaskId(taskId: string): ParsedTaskId | undefined {
  const m = TASK_ID.exec(taskId);
  if (!m?.groups) return undefined;
  const { safeAppId = '', prefix = '', uuid = '' } = m.groups;
  const base = `${safeAppId}.${prefix}${uuid}`;
  const labels = new Set<string>([taskId, base]);
  return {
    taskId,
    appId: `/${safeAppId.split('_').join('/')}`,
    uuid,
    reservationLabels: [...labels],
  };
}

/** `/db/mysql/` → `/db/mysql`; `db/mysql` → `/db/mysql`. */
export function normalizeAppId(appId: string): string {
  const trimmed = appId.trim().replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** App ids: absolute paths of lowercase segments (Marathon PathId rules, simplified to what ids may contain). */
export function isValidAppId(appId: string): boolean {
  return new RegExp(`^(/${SEGMENT})+$`).test(appId);
}

/**
 * `--app` accepts an app id or a group prefix ending in `/` (e.g. `/db/`).
 * Returns a predicate on app ids.
 */
export function appFilter(spec: string): (appId: string) => boolean {
  const trimmed = spec.trim();
  if (trimmed === '/' || trimmed === '') return () => true;
  if (trimmed.endsWith('/')) {
    const prefix = normalizeAppId(trimmed) + '/';
    return (appId) => appId.startsWith(prefix);
  }
  const exact = normalizeAppId(trimmed);
  return (appId) => appId === exact;
}
