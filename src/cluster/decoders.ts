import type { MarathonApp, MarathonInfo, MarathonTask } from '../model/marathon.js';
import type { MaintenanceSchedule, MaintenanceStatus, MesosAgentState, MesosFlags, MesosMasterState, MesosSlaves } from '../model/mesos.js';
import { ShapeError } from './shape-error.js';
import { checkTasks } from './task-check.js';
import { field, typeName } from './fields.js';

/**
 * The decoders the API clients use. The zod schemas (schemas.ts) load on the first call that needs
 * them: the hot read path of `tasks list` (/v2/tasks and /master/state-summary) is checked by hand-written
 * twins and never pays for loading zod.
 */

type Schemas = typeof import('./schemas.js');

type SchemaDecoder =
  | 'decodeApp'
  | 'decodeApps'
  | 'decodeInfo'
  | 'decodeSlaves'
  | 'decodeMasterState'
  | 'decodeFlags'
  | 'decodeAgentState'
  | 'decodeMaintenanceSchedule'
  | 'decodeMaintenanceStatus';

function viaSchemas<K extends SchemaDecoder>(
  name: K,
): (doc: unknown) => Promise<ReturnType<Schemas[K]>> {
  return async (doc) => (await import('./schemas.js'))[name](doc) as ReturnType<Schemas[K]>;
}

export const decodeApp: (doc: unknown) => Promise<MarathonApp> = viaSchemas('decodeApp');
export const decodeApps: (doc: unknown) => Promise<MarathonApp[]> = viaSchemas('decodeApps');
export const decodeInfo: (doc: unknown) => Promise<MarathonInfo> = viaSchemas('decodeInfo');
export const decodeSlaves: (doc: unknown) => Promise<MesosSlaves> = viaSchemas('decodeSlaves');
export const decodeMasterState: (doc: unknown) => Promise<MesosMasterState> = viaSchemas('decodeMasterState');
export const decodeFlags: (doc: unknown) => Promise<MesosFlags> = viaSchemas('decodeFlags');
export const decodeAgentState: (doc: unknown) => Promise<MesosAgentState> = viaSchemas('decodeAgentState');
export const decodeMaintenanceSchedule: (doc: unknown) => Promise<MaintenanceSchedule> = viaSchemas('decodeMaintenanceSchedule');
export const decodeMaintenanceStatus: (doc: unknown) => Promise<MaintenanceStatus> = viaSchemas('decodeMaintenanceStatus');

/** `{"tasks": [...]}` from /v2/tasks and /v2/apps/{id}/tasks. */
export function decodeTasks(doc: unknown): MarathonTask[] {
  const tasks = field(doc, 'tasks');
  if (!Array.isArray(tasks)) throw new ShapeError('tasks', `expected array, got ${typeName(tasks)}`);
  checkTasks(tasks, 'tasks');
  return tasks as MarathonTask[];
}

/** Optional agent fields in MesosAgentSchema's order, so the first problem named is the one zod names. */
const AGENT_FIELDS: [string, 'string' | 'number' | 'boolean' | 'record'][] = [
  ['port', 'number'],
  ['pid', 'string'],
  ['active', 'boolean'],
  ['deactivated', 'boolean'],
  ['version', 'string'],
  ['attributes', 'record'],
  ['registered_time', 'number'],
  ['reregistered_time', 'number'],
];
/** Resource lists: the state-summary has none of these; an answer that does gets the full schema. */
const AGENT_RESOURCE_FIELDS = ['reserved_resources_full', 'used_resources_full', 'unreserved_resources_full'] as const;

/**
 * `/master/state-summary` (agents without their reservations): the same judgement as MesosSlavesSchema,
 * by hand. A property test keeps the two in agreement.
 */
export async function decodeAgentSummary(doc: unknown): Promise<MesosSlaves> {
  const slaves = field(doc, 'slaves');
  const recovered = (doc as Record<string, unknown>).recovered_slaves;
  const lists: [string, unknown][] = [['slaves', slaves]];
  if (recovered !== undefined) lists.push(['recovered_slaves', recovered]);
  for (const [key, list] of lists) {
    if (!Array.isArray(list)) throw new ShapeError(key, `expected array, got ${typeName(list)}`);
    for (let i = 0; i < list.length; i++) {
      const agent: unknown = list[i];
      if (typeof agent === 'object' && agent !== null && AGENT_RESOURCE_FIELDS.some((f) => f in agent)) return decodeSlaves(doc);
      const problem = agentProblem(agent);
      if (problem !== undefined) throw new ShapeError(`${key}[${i}]${problem[0]}`, problem[1]);
    }
  }
  return doc as MesosSlaves;
}

function agentProblem(agent: unknown): [string, string] | undefined {
  if (typeof agent !== 'object' || agent === null || Array.isArray(agent)) return ['', expected('object', agent)];
  const a = agent as Record<string, unknown>;
  if (typeof a.id !== 'string') return ['.id', expected('string', a.id)];
  if (typeof a.hostname !== 'string') return ['.hostname', expected('string', a.hostname)];
  for (const [key, type] of AGENT_FIELDS) {
    const v = a[key];
    if (v !== undefined && !hasType(v, type)) return [`.${key}`, expected(type, v)];
  }
  return undefined;
}

function hasType(v: unknown, type: 'string' | 'number' | 'boolean' | 'record'): boolean {
  if (type === 'number') return typeof v === 'number' && Number.isFinite(v);
  if (type === 'record') return typeof v === 'object' && v !== null && !Array.isArray(v);
  return typeof v === type;
}



function expected(type: string, got: unknown): string {
  return `expected ${type}, got ${typeName(got)}`;
}
