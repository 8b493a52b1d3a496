import { field, finding, show, type RuleFinding } from './findings.js';
import { isResident, persistentVolumes, type CheckContext } from './rules.js';
import { atLeast } from './version.js';

/**
 * What a deployed app with persistent volumes cannot take in an update (reference §e "No changes after
 * deployment"): its instances' reservations were made once, for exactly these resources, ports and
 * volumes, and Marathon refuses any change to them.
 */

/** Marathon's defaults for fields an app definition may omit. */
const RESOURCE_DEFAULTS: Record<string, number> = { cpus: 1, mem: 128, disk: 0, gpus: 0 };

const NEW_APP =
  'deploy the new definition as a new app (a new id, so new reservations and volumes), move the data over, then delete the old app';

export function compareWithDeployed(local: unknown, deployed: unknown, ctx: CheckContext): RuleFinding[] {
  if (!isResident(deployed, ctx.version)) return [];
  return [...resourceChanges(local, deployed, ctx), ...portChanges(local, deployed, ctx), ...volumeChanges(local, deployed), ...roleChange(local, deployed, ctx)];
}

function resourceChanges(local: unknown, deployed: unknown, ctx: CheckContext): RuleFinding[] {
  const fields = atLeast(ctx.version, 4) ? ['cpus', 'mem', 'disk', 'gpus'] : ['cpus', 'mem', 'disk'];
  const out: RuleFinding[] = [];
  for (const name of fields) {
    const given = field(local, name);
    const was = numberOr(field(deployed, name), RESOURCE_DEFAULTS[name] ?? 0);
    const now = numberOr(given, RESOURCE_DEFAULTS[name] ?? 0);
    if (Math.abs(now - was) < 1e-9) continue;
    const omitted = given === undefined ? ` (omitted: Marathon's default ${now})` : '';
    out.push(
      finding('deployed-resources', 'error', `/${name}`, `${name} ${was} → ${now}${omitted}: the reservation is fixed — Mesos reserved ${was}${name === 'mem' || name === 'disk' ? ' MB' : ''} ${name} for each instance on its agent, and Marathon refuses the update (services with persistent volumes may not change resource requirements)`, `Keep ${name} at ${was}; to change it, ${NEW_APP}.`),
    );
  }
  return out;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

/**
 * Host ports: port mappings' hostPort (bridge/container networking) or the port definitions (host
 * networking); undefined when the definition states none (Marathon then fills in its defaults).
 */
function hostPorts(app: unknown): { ports: number[]; at: string } | undefined {
  const container = field(app, 'container');
  const mappings = field(container, 'portMappings') ?? field(field(container, 'docker'), 'portMappings');
  if (Array.isArray(mappings) && mappings.length > 0) {
    return { ports: mappings.map((m) => numberOr(field(m, 'hostPort'), 0)), at: '/container/portMappings' };
  }
  const definitions = field(app, 'portDefinitions');
  if (Array.isArray(definitions)) return { ports: definitions.map((d) => numberOr(field(d, 'port'), 0)), at: '/portDefinitions' };
  const legacy = field(app, 'ports');
  return Array.isArray(legacy) ? { ports: legacy.map((p) => numberOr(p, 0)), at: '/ports' } : undefined;
}

function portChanges(local: unknown, deployed: unknown, ctx: CheckContext): RuleFinding[] {
  const before = hostPorts(deployed) ?? { ports: [], at: '/portDefinitions' };
  const after = hostPorts(local);
  // 0 asks Marathon to pick a port: it matches whatever was picked before.
  const changed = after !== undefined && (before.ports.length !== after.ports.length || after.ports.some((p, i) => p !== 0 && p !== before.ports[i]));
  const out: RuleFinding[] = [];
  if (changed && after) {
    out.push(
      finding('deployed-ports', 'error', after.at, `host ports ${show(before.ports)} → ${show(after.ports)}: the reservation is fixed — each instance relaunches on its agent with the resources reserved for it, and Marathon refuses the update (services with persistent volumes may not change host ports)`, `Keep the ports as deployed; for other ports, ${NEW_APP}.`),
    );
  }
  const requireBefore = field(deployed, 'requirePorts') === true;
  const requireAfter = field(local, 'requirePorts') === true;
  if (atLeast(ctx.version, 4) && field(local, 'requirePorts') !== undefined && requireBefore !== requireAfter) {
    out.push(finding('deployed-ports', 'error', '/requirePorts', `requirePorts ${requireBefore} → ${requireAfter}: part of the fixed resource requirements of an app with persistent volumes`, `Keep "requirePorts": ${requireBefore}; otherwise ${NEW_APP}.`));
  }
  return out;
}

interface VolumeShape {
  containerPath: unknown;
  mode: unknown;
  size: unknown;
  type: unknown;
  maxSize: unknown;
  profileName: unknown;
  constraints: unknown;
}

function shape(volume: unknown): VolumeShape {
  const p = field(volume, 'persistent');
  const constraints = field(p, 'constraints');
  return {
    containerPath: field(volume, 'containerPath'),
    mode: field(volume, 'mode') ?? null,
    size: field(p, 'size') ?? null,
    type: field(p, 'type') ?? 'root',
    maxSize: field(p, 'maxSize') ?? null,
    profileName: field(p, 'profileName') ?? null,
    constraints: Array.isArray(constraints) ? constraints : [],
  };
}

function volumeChanges(local: unknown, deployed: unknown): RuleFinding[] {
  const before = new Map(persistentVolumes(deployed).map((v) => [String(field(v, 'containerPath')), shape(v)]));
  const after = new Map(persistentVolumes(local).map((v) => [String(field(v, 'containerPath')), shape(v)]));
  const changes: string[] = [];
  for (const [name, was] of before) {
    const now = after.get(name);
    if (now === undefined) changes.push(`${name} removed`);
    else {
      const differing = (Object.keys(was) as (keyof VolumeShape)[]).filter((k) => JSON.stringify(was[k]) !== JSON.stringify(now[k]));
      if (differing.length > 0) changes.push(`${name}: ${differing.map((k) => `${k} ${show(was[k])} → ${show(now[k])}`).join(', ')}`);
    }
  }
  for (const name of after.keys()) if (!before.has(name)) changes.push(`${name} added`);
  if (changes.length === 0) return [];
  return [
    finding('deployed-volumes', 'error', '/container/volumes', `persistent volumes differ from the deployed app (${changes.join('; ')}): each volume exists on its agent as Mesos created it, and Marathon refuses the update ("Persistent volumes can not be changed!")`, `Keep the persistent volumes exactly as deployed; to resize, add or rename one, ${NEW_APP}.`),
  ];
}

function roleChange(local: unknown, deployed: unknown, ctx: CheckContext): RuleFinding[] {
  if (!atLeast(ctx.version, 9)) return [];
  const was = field(deployed, 'role');
  const now = field(local, 'role') ?? ctx.mesosRole ?? was;
  if (was === undefined || now === was) return [];
  return [
    finding('deployed-role', 'error', '/role', `role ${show(was)} → ${show(now)}: it is not possible to change the role for existing reservations: Marathon refuses the update unless it is retried with ?force=true`, `Keep "role": ${show(was)}; otherwise ${NEW_APP}.`),
  ];
}
