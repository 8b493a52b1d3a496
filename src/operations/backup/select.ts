import type { ClusterClients } from '../../context/context.js';
import { notFound, usageError } from '../../core/errors.js';
import { printable } from '../../domain/mesos-ids.js';
import { isValidAppId, normalizeAppId, parseTaskId } from '../../domain/task-id.js';
import type { WipeCandidate } from '../../domain/wipe-plan.js';
import { inventoryVolumes } from '../volumes/list.js';
import { mapSettledLimit } from '../../core/map-limit.js';

export interface TaskSelection {
  taskIds: string[];
  app?: string;
  allWaiting?: boolean;
}

/**
 * The named tasks (each must exist and have volumes), or every waiting task of `app`, with their
 * volumes as the read path resolves them; plus what the read could not verify.
 */
export async function selectTasks(clients: ClusterClients, selection: TaskSelection, verb: string): Promise<{ candidates: WipeCandidate[]; warnings: string[] }> {
  const { taskIds } = selection;
  if (taskIds.length > 0 && (selection.app !== undefined || selection.allWaiting)) throw usageError('give task ids, or --app with --all-waiting, not both');
  let appIds: string[];
  if (taskIds.length === 0) {
    if (!selection.app || !selection.allWaiting) {
      throw usageError(`name the tasks to ${verb}, or use --app <id> --all-waiting`, 'See `stateful-ops tasks list` for waiting tasks.');
    }
    const app = normalizeAppId(selection.app);
    if (!isValidAppId(app)) throw usageError(`'${printable(selection.app)}' is not a Marathon app id`);
    appIds = [app];
  } else {
    const apps = new Set<string>();
    for (const id of taskIds) {
      const parsed = parseTaskId(id);
      if (!parsed) throw usageError(`'${printable(id)}' is not a Marathon task id`);
      apps.add(parsed.appId);
    }
    appIds = [...apps];
  }
  const answers = await mapSettledLimit(appIds, 8, (id) => clients.marathon.app(id));
  for (const a of answers) if (a.status === 'rejected') throw a.reason;
  const apps = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
  const wanted = new Set(taskIds);
  const inventory = await inventoryVolumes(clients, Promise.resolve(apps), (t) => wanted.size === 0 || wanted.has(t.id));
  for (const id of taskIds) {
    if (!inventory.tasks.some((t) => t.task === id)) throw notFound(`Task '${id}' does not exist (or has no persistent volumes)`, 'Nothing was changed.');
  }
  const tasks = inventory.tasks.filter((t) => wanted.size > 0 || t.state === 'waiting');
  const candidates = tasks.map((task) => ({ task, volumes: inventory.details.filter((d) => d.task === task.task) }));
  return { candidates, warnings: inventory.warnings };
}
