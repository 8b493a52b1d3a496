import type { MarathonApi } from './api.js';
import { usageError } from '../core/errors.js';
import type { HttpClient, ServiceRef } from './http.js';
import type { KillOptions, KillResult, MarathonApp, MarathonDeployment, MarathonInfo, MarathonPodInstance, MarathonTask } from '../model/marathon.js';
import { decodeApp, decodeApps, decodeInfo, decodeTasks } from './decoders.js';
import { ShapeError } from './shape-error.js';
import { taskProblem } from './task-check.js';

/** MarathonApi over HTTP (../shared/reference/marathon/README.md §a, §c, §f). */
export class HttpMarathon implements MarathonApi {
  private readonly service: ServiceRef;

  constructor(
    private readonly http: HttpClient,
    readonly baseUrl: string,
  ) {
    this.service = { name: 'Marathon', baseUrl };
  }

  info(): Promise<MarathonInfo> {
    return this.get('/v2/info', decodeInfo);
  }

  tasks(options: { statefulOnly?: boolean; keep?: (task: MarathonTask) => boolean } = {}): Promise<MarathonTask[]> {
    if (!options.statefulOnly) return this.get('/v2/tasks', decodeTasks);
    const { keep } = options;
    const select = (element: unknown) => {
      const task = compactStatefulTask(element);
      return task !== undefined && (keep === undefined || wantedOrUnreadable(task, keep)) ? task : undefined;
    };
    // Streamed: on big clusters the answer is tens of MB and most tasks are not stateful.
    return this.http.request('GET', this.url('/v2/tasks'), { service: this.service, decode: decodeTasks, streamArray: { key: 'tasks', select } });
  }

  appTasks(appId: string): Promise<MarathonTask[]> {
    return this.get(`/v2/apps${appPath(appId)}/tasks`, decodeTasks);
  }

  app(appId: string): Promise<MarathonApp> {
    return this.get(`/v2/apps${appPath(appId)}`, decodeApp);
  }

  apps(options: { embedTasks?: boolean } = {}): Promise<MarathonApp[]> {
    const query = options.embedTasks ? { embed: 'apps.tasks' } : {};
    return this.http.request('GET', this.url('/v2/apps'), { service: this.service, query, decode: decodeApps });
  }

  podInstances(): Promise<MarathonPodInstance[]> {
    return this.get('/v2/pods/::status', decodePodInstances);
  }

  deployments(): Promise<MarathonDeployment[]> {
    return this.get('/v2/deployments', decodeDeployments);
  }

  /** One task per call, by its exact id — never the app-wide DELETE that would hit every task. */
  async killTask(appId: string, taskId: string, options: KillOptions): Promise<KillResult> {
    refuseScaleWithWipe(options);
    if (taskId.trim() === '') throw usageError('a task id is required');
    const path = `/v2/apps${appPath(appId)}/tasks/${encodeURIComponent(taskId)}`;
    return this.kill('DELETE', path, options, undefined);
  }

  async killTasks(taskIds: string[], options: KillOptions): Promise<KillResult> {
    refuseScaleWithWipe(options);
    if (taskIds.length === 0 || taskIds.some((id) => id.trim() === '')) throw usageError('no task ids to kill');
    return this.kill('POST', '/v2/tasks/delete', options, { ids: taskIds });
  }

  private async kill(method: 'DELETE' | 'POST', path: string, options: KillOptions, body: unknown): Promise<KillResult> {
    const query = { wipe: options.wipe === true, scale: options.scale ? true : undefined, force: options.force ? true : undefined };
    const request = { service: this.service, query, notFound: 'app/task', idempotent: false, ...(body === undefined ? {} : { body }) };
    // The body differs per version (task, instance JSON, deployment): informative only, callers re-read.
    return this.http.call(method, this.url(path), request);
  }

  private get<T>(path: string, decode: (doc: unknown) => T | Promise<T>): Promise<T> {
    return this.http.request('GET', this.url(path), { service: this.service, decode, notFound: 'app/task' });
  }

  private url(path: string): string {
    return `${this.baseUrl}${path}`;
  }
}

function refuseScaleWithWipe(options: KillOptions): void {
  if (options.scale && options.wipe) {
    throw usageError('scale and wipe cannot be combined (Marathon refuses it: "You cannot use scale and wipe at the same time.")');
  }
}

/**
 * `/db/mysql` → `/db/mysql` with each segment URL-encoded. Empty, `.` and `..` segments are refused:
 * they would let an app id address another endpoint.
 */
export function appPath(appId: string): string {
  const segments = appId.trim().replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw usageError(`invalid app id '${appId}'`, 'App ids look like /group/app (lowercase segments separated by /).');
  }
  return segments.map((s) => `/${encodeURIComponent(s)}`).join('');
}

/** The fields of a task stateful-ops reads; a streamed task keeps these only. */
const TASK_FIELDS = ['id', 'appId', 'host', 'slaveId', 'state', 'stagedAt', 'startedAt', 'version', 'role', 'localVolumes'] as const;

/**
 * A stateful task as a new object of the fields read, values as sent (the decoder still checks their
 * types); others' tasks are dropped. A fresh object of a fixed shape is a third of the parsed one's
 * size and keeps V8 in its fast paths, where deleting fields would not: on a 50,000-task answer this
 * is most of the memory and garbage collection.
 */
function compactStatefulTask(task: unknown): Record<string, unknown> | undefined {
  const t = task as Record<string, unknown> | null;
  const volumes = t?.localVolumes;
  if (!t || typeof t !== 'object' || !Array.isArray(volumes) || volumes.length === 0) return undefined;
  const kept: Record<string, unknown> = {};
  for (const field of TASK_FIELDS) if (t[field] !== undefined) kept[field] = t[field];
  return kept;
}

/** A task `keep` cannot judge (a field of the wrong type) is kept, so that the decoder names the problem. */
function wantedOrUnreadable(task: Record<string, unknown>, keep: (task: MarathonTask) => boolean): boolean {
  if (taskProblem(task) !== undefined) return true;
  return keep(task as unknown as MarathonTask);
}

/** `[{id, instances: [{id, localVolumes: [{persistenceId}]}]}]` → every instance with its persistence ids. */
export function decodePodInstances(doc: unknown): MarathonPodInstance[] {
  if (!Array.isArray(doc)) throw new ShapeError('', 'expected an array of pod statuses');
  return doc.flatMap((pod: unknown, i) => {
    const instances = (pod as { instances?: unknown } | null)?.instances ?? [];
    if (!Array.isArray(instances)) throw new ShapeError(`[${i}].instances`, 'expected an array');
    return instances.map((instance: unknown, j) => {
      const { id, localVolumes = [] } = (instance ?? {}) as { id?: unknown; localVolumes?: unknown };
      if (typeof id !== 'string') throw new ShapeError(`[${i}].instances[${j}].id`, 'expected a string');
      if (!Array.isArray(localVolumes)) throw new ShapeError(`[${i}].instances[${j}].localVolumes`, 'expected an array');
      const persistenceIds = localVolumes.map((v: unknown, k) => {
        const pid = (v as { persistenceId?: unknown } | null)?.persistenceId;
        if (typeof pid !== 'string') throw new ShapeError(`[${i}].instances[${j}].localVolumes[${k}].persistenceId`, 'expected a string');
        return pid;
      });
      return { id, persistenceIds };
    });
  });
}

/** `[{id, affectedApps, currentActions: [{action, app}]}]`; a deployment without a readable id or app list is a shape error. */
export function decodeDeployments(doc: unknown): MarathonDeployment[] {
  if (!Array.isArray(doc)) throw new ShapeError('', 'expected an array of deployments');
  return doc.map((d: unknown, i) => {
    const o = (d ?? {}) as { id?: unknown; affectedApps?: unknown; currentActions?: unknown };
    if (typeof o.id !== 'string') throw new ShapeError(`[${i}].id`, 'expected a string');
    if (!Array.isArray(o.affectedApps) || !o.affectedApps.every((a) => typeof a === 'string')) {
      throw new ShapeError(`[${i}].affectedApps`, 'expected an array of app ids');
    }
    const actions = Array.isArray(o.currentActions) ? o.currentActions : [];
    const currentApps = actions.flatMap((a: unknown) => {
      const app = (a as { app?: unknown } | null)?.app;
      return typeof app === 'string' ? [app] : [];
    });
    return { id: o.id, affectedApps: o.affectedApps as string[], currentApps };
  });
}
