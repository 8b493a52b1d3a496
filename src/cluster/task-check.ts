import { ShapeError } from './shape-error.js';

/**
 * Hand-written twin of MarathonTaskSchema for the hot path: GET /v2/tasks may carry 50,000 tasks and
 * must stay faster than `curl | jq`. It allocates nothing on success and builds a path only on failure.
 * A property test (test/unit/cluster/schemas.test.ts) keeps it in agreement with the zod schema.
 */

type Problem = [path: string, problem: string];

const OPTIONAL_STRINGS = ['appId', 'host', 'state', 'version', 'role'] as const;
const NULLABLE_STRINGS = ['slaveId', 'stagedAt', 'startedAt'] as const;
const NUMBER_ARRAYS = ['ports', 'servicePorts'] as const;

export function checkTasks(tasks: unknown[], at: string): void {
  for (let i = 0; i < tasks.length; i++) {
    const problem = taskProblem(tasks[i]);
    if (problem !== undefined) throw new ShapeError(`${at}[${i}]${problem[0]}`, problem[1]);
  }
}

/** `[".localVolumes[0].uuid", "expected string, got number"]`, or undefined when the task is fine. */
export function taskProblem(task: unknown): Problem | undefined {
  if (!isObject(task)) return ['', expected('object', task)];
  const t = task as Record<string, unknown>;
  if (typeof t.id !== 'string') return ['.id', expected('string', t.id)];
  for (const key of OPTIONAL_STRINGS) {
    const v = t[key];
    if (v !== undefined && typeof v !== 'string') return [`.${key}`, expected('string', v)];
  }
  for (const key of NULLABLE_STRINGS) {
    const v = t[key];
    if (v !== undefined && v !== null && typeof v !== 'string') return [`.${key}`, expected('string', v)];
  }
  for (const key of NUMBER_ARRAYS) {
    const v = t[key];
    if (v === undefined) continue;
    if (!Array.isArray(v)) return [`.${key}`, expected('array', v)];
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) return [`.${key}[${i}]`, expected('number', v[i])];
    }
  }
  if (t.healthCheckResults !== undefined && !Array.isArray(t.healthCheckResults)) {
    return ['.healthCheckResults', expected('array', t.healthCheckResults)];
  }
  return arrayProblem(t.ipAddresses, '.ipAddresses', ipAddressProblem) ?? arrayProblem(t.localVolumes, '.localVolumes', localVolumeProblem);
}

function ipAddressProblem(ip: Record<string, unknown>): Problem | undefined {
  if (typeof ip.ipAddress !== 'string') return ['.ipAddress', expected('string', ip.ipAddress)];
  if (ip.protocol !== undefined && typeof ip.protocol !== 'string') return ['.protocol', expected('string', ip.protocol)];
  return undefined;
}

function localVolumeProblem(v: Record<string, unknown>): Problem | undefined {
  if (typeof v.containerPath !== 'string') return ['.containerPath', expected('string', v.containerPath)];
  if (typeof v.persistenceId !== 'string') return ['.persistenceId', expected('string', v.persistenceId)];
  if (v.runSpecId !== undefined && typeof v.runSpecId !== 'string') return ['.runSpecId', expected('string', v.runSpecId)];
  if (v.uuid !== undefined && typeof v.uuid !== 'string') return ['.uuid', expected('string', v.uuid)];
  return undefined;
}

function arrayProblem(
  value: unknown,
  at: string,
  item: (o: Record<string, unknown>) => Problem | undefined,
): Problem | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return [at, expected('array', value)];
  for (let i = 0; i < value.length; i++) {
    const element: unknown = value[i];
    if (!isObject(element)) return [`${at}[${i}]`, expected('object', element)];
    const p = item(element as Record<string, unknown>);
    if (p !== undefined) return [`${at}[${i}]${p[0]}`, p[1]];
  }
  return undefined;
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function expected(type: string, got: unknown): string {
  const name = got === null ? 'null' : Array.isArray(got) ? 'array' : typeof got;
  return `expected ${type}, got ${name}`;
}
