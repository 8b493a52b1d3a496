import type { MarathonFlavour, MockApp, MockPersistentVolume, MockState } from './types.js';

/**
 * Reading an app definition (POST /v2/apps, PUT /v2/apps/{id}) as Marathon does: defaults, then the validations
 * a resident app meets (../shared/reference/marathon/README.md §e, §h). Wording per version from v1.1.1 / v1.4.13
 * `state/AppDefinition.scala`, `state/Volume.scala`, `state/ResourceRole.scala`, `state/PathId.scala` and v1.10.26
 * `api/v2/validation/AppValidation.scala`. Only what the mock models is read; other fields are accepted and dropped.
 */

type Json = Record<string, unknown>;

export interface ValidationDetail {
  path: string;
  errors: string[];
}

export type AppReadResult =
  | { ok: true; app: MockApp }
  | { ok: false; status: 400 | 422; body: Json };

const ID_SEGMENT = /^(?:(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])\.)*(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])$|^(?:\.|\.\.)$/;
const ID_SEGMENT_TEXT = '^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$';
/** Marathon's local_port_min: service ports given as 0 are assigned from here. */
const SERVICE_PORT_MIN = 10000;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Scala prints a Double with at least one decimal: `got 1.0, expected 0.0`. */
const scalaDouble = (n: number) => (Number.isInteger(n) ? n.toFixed(1) : String(n));

/** `/db/pg`, `db/pg/`, `/db/./pg` → `/db/pg` (PathId.canonicalPath from root). */
export function canonicalAppId(id: string): string {
  const out: string[] = [];
  for (const part of id.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

class Details {
  private readonly byPath = new Map<string, string[]>();
  add(path: string, error: string): void {
    const list = this.byPath.get(path);
    if (list) list.push(error);
    else this.byPath.set(path, [error]);
  }
  list(): ValidationDetail[] {
    return [...this.byPath].map(([path, errors]) => ({ path, errors }));
  }
}

/** The first free service ports from local_port_min, skipping every port another app holds. */
function assignServicePorts(state: MockState, requested: number[], ownId: string): number[] {
  const used = new Set(state.apps.filter((a) => a.id !== ownId).flatMap((a) => a.servicePorts));
  for (const p of requested) if (p !== 0) used.add(p);
  let next = SERVICE_PORT_MIN;
  return requested.map((p) => {
    if (p !== 0) return p;
    while (used.has(next)) next += 1;
    used.add(next);
    return next;
  });
}

function readVolumes(flavour: MarathonFlavour, raw: unknown, details: Details): MockPersistentVolume[] {
  if (!Array.isArray(raw)) return [];
  const volumes: MockPersistentVolume[] = [];
  raw.forEach((v, i) => {
    if (!isObject(v) || !isObject(v.persistent)) return;
    const at = `/container/volumes(${i})`;
    const containerPath = typeof v.containerPath === 'string' ? v.containerPath : '';
    if (containerPath === '' || containerPath === '.' || containerPath === '..') details.add(`${at}/containerPath`, 'must not be empty');
    else if (flavour !== '1.1' && containerPath.includes('/')) details.add(`${at}/containerPath`, 'value must not contain "/"');
    const size = v.persistent.size;
    if (typeof size !== 'number' || !(size > 0)) details.add(`${at}/persistent/size`, `got ${String(size ?? 0)}, expected more than 0`);
    const type = flavour === '1.1' ? 'root' : (v.persistent.type ?? 'root');
    if (type !== 'root' && type !== 'path' && type !== 'mount') details.add(`${at}/persistent/type`, `error.expected.validenumvalue`);
    if (flavour !== '1.1' && v.persistent.maxSize !== undefined && type !== 'mount') details.add(`${at}/persistent`, 'Only mount volumes can have maxSize');
    volumes.push({ containerPath, sizeMb: typeof size === 'number' ? size : 0, type: type as MockPersistentVolume['type'] });
  });
  return volumes;
}

function residentRules(flavour: MarathonFlavour, app: MockApp, body: Json, details: Details): void {
  const { minimumHealthCapacity, maximumOverCapacity } = app.upgradeStrategy;
  if (maximumOverCapacity !== 0) details.add('/upgradeStrategy/maximumOverCapacity', `got ${scalaDouble(maximumOverCapacity)}, expected 0.0`);
  // 1.1 also caps minimumHealthCapacity; 1.3+ (#4138) allow 0..1.
  if (flavour === '1.1' && minimumHealthCapacity > 0.5) {
    details.add('/upgradeStrategy/minimumHealthCapacity', `got ${scalaDouble(minimumHealthCapacity)}, expected 0.5 or less`);
  }
  const roles = app.acceptedResourceRoles;
  if (roles !== undefined && !(roles.length === 1 && roles[0] === '*')) {
    if (flavour === '1.1') details.add('/', 'Resident apps may not define acceptedResourceRoles other than "*" (unreserved resources)');
    else details.add('/acceptedResourceRoles', 'A resident app must have `acceptedResourceRoles = ["*"]`.');
  }
  if (flavour !== '1.1' && body.unreachableStrategy !== undefined && body.unreachableStrategy !== 'disabled') {
    details.add('/unreachableStrategy', 'unreachableStrategy must be disabled for resident tasks');
  }
}

/**
 * The app a create or a full update describes; `previous` (an update) supplies what the body leaves out.
 * `idFromPath` is the id of PUT /v2/apps/{id}, which wins over the body's.
 */
export function readAppDefinition(state: MockState, raw: unknown, previous?: MockApp, idFromPath?: string): AppReadResult {
  const flavour = state.flavour;
  if (!isObject(raw)) {
    return { ok: false, status: 400, body: { message: 'Invalid JSON', details: [{ path: '', errors: ['error.expected.jsobject'] }] } };
  }
  const body = raw;
  const rawId = idFromPath ?? body.id;
  if (typeof rawId !== 'string') {
    const error = rawId === undefined ? 'error.path.missing' : 'error.expected.jsstring';
    // From 1.5 a read error carrying messages is a 422 (§h).
    return { ok: false, status: flavour === '1.10' ? 422 : 400, body: { message: 'Invalid JSON', details: [{ path: '/id', errors: [error] }] } };
  }
  const details = new Details();
  const id = canonicalAppId(rawId);
  if (id === '/' || !id.slice(1).split('/').every((s) => ID_SEGMENT.test(s))) details.add('/id', `must fully match regular expression '${ID_SEGMENT_TEXT}'`);

  const num = (key: string, fallback: number): number => (typeof body[key] === 'number' ? (body[key] as number) : fallback);
  const instances = num('instances', previous?.instances ?? 1);
  if (!Number.isInteger(instances) || instances < 0) details.add('/instances', `got ${String(instances)}, expected 0 or more`);
  const container = isObject(body.container) ? body.container : undefined;
  const docker = container && isObject(container.docker) ? container.docker : undefined;
  const cmd = typeof body.cmd === 'string' ? body.cmd : body.cmd === undefined ? previous?.cmd : undefined;
  const args = Array.isArray(body.args) ? body.args.filter((a): a is string => typeof a === 'string') : previous?.args;
  if (cmd === undefined && args === undefined && container === undefined && previous === undefined) {
    details.add('/', "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.");
  }
  const volumes = container ? readVolumes(flavour, container.volumes, details) : (previous?.volumes ?? []);
  const resident = volumes.length > 0;
  const strategy = isObject(body.upgradeStrategy) ? body.upgradeStrategy : undefined;
  const defaults = previous?.upgradeStrategy ?? (resident ? { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 } : { minimumHealthCapacity: 1, maximumOverCapacity: 1 });
  const upgradeStrategy = {
    minimumHealthCapacity: typeof strategy?.minimumHealthCapacity === 'number' ? strategy.minimumHealthCapacity : defaults.minimumHealthCapacity,
    maximumOverCapacity: typeof strategy?.maximumOverCapacity === 'number' ? strategy.maximumOverCapacity : defaults.maximumOverCapacity,
  };
  for (const [key, value] of Object.entries(upgradeStrategy)) {
    if (value < 0 || value > 1) details.add(`/upgradeStrategy/${key}`, `got ${scalaDouble(value)}, expected between 0.0 and 1.0`);
  }
  const portDefinitions = Array.isArray(body.portDefinitions) ? body.portDefinitions : undefined;
  const requestedPorts = portDefinitions
    ? portDefinitions.map((p) => (isObject(p) && typeof p.port === 'number' ? p.port : 0))
    : (previous?.servicePorts ?? [0]);
  const roles = Array.isArray(body.acceptedResourceRoles)
    ? body.acceptedResourceRoles.filter((r): r is string => typeof r === 'string')
    : previous?.acceptedResourceRoles;
  const labels = isObject(body.labels) ? (Object.fromEntries(Object.entries(body.labels).map(([k, v]) => [k, String(v)])) as Record<string, string>) : (previous?.labels ?? {});
  const env = isObject(body.env) ? (Object.fromEntries(Object.entries(body.env).filter(([, v]) => typeof v === 'string')) as Record<string, string>) : previous?.env;
  const image = typeof docker?.image === 'string' ? docker.image : container ? undefined : previous?.image;

  const app: MockApp = {
    id,
    instances,
    cpus: num('cpus', previous?.cpus ?? 1),
    mem: num('mem', previous?.mem ?? 128),
    disk: num('disk', previous?.disk ?? 0),
    volumes,
    upgradeStrategy,
    servicePorts: assignServicePorts(state, requestedPorts, id),
    labels,
    version: new Date().toISOString(),
  };
  if (cmd !== undefined) app.cmd = cmd;
  if (args !== undefined) app.args = args;
  if (env !== undefined) app.env = env;
  if (image !== undefined) app.image = image;
  if (container?.type === 'MESOS' || (container === undefined && previous?.containerType === 'MESOS')) app.containerType = 'MESOS';
  if (roles !== undefined && roles.length > 0) app.acceptedResourceRoles = roles;
  if (resident) residentRules(flavour, app, body, details);
  const list = details.list();
  if (list.length > 0) return { ok: false, status: 422, body: { message: 'Object is not valid', details: list } };
  return { ok: true, app };
}

/** Whether an update changes more than `instances` (then Marathon restarts the tasks: RestartApplication). */
export function needsRestart(before: MockApp, after: MockApp): boolean {
  const config = (a: MockApp) => JSON.stringify([a.cmd, a.args, a.env, a.image, a.containerType, a.labels, a.cpus, a.mem, a.disk, a.servicePorts, a.acceptedResourceRoles]);
  return config(before) !== config(after);
}
