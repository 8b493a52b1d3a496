import { field, finding, show, type RuleFinding } from './findings.js';
import { atLeast, type MarathonVersion } from './version.js';
import { volumeRules } from './volumes.js';

/**
 * The rules Marathon applies to apps with persistent volumes ("resident" apps), per version
 * (../shared/reference/marathon/README.md §e), plus what Marathon accepts but cannot work. Pure:
 * the app definition is raw JSON, read defensively.
 */

export interface CheckContext {
  version: MarathonVersion;
  /** Marathon's `--mesos_role` (/v2/info), when known: the role of an app that names none (1.9+). */
  mesosRole?: string | null;
}

export function persistentVolumes(app: unknown): unknown[] {
  const volumes = field(field(app, 'container'), 'volumes');
  return Array.isArray(volumes) ? volumes.filter((v) => field(v, 'persistent') !== undefined && field(v, 'persistent') !== null) : [];
}

/** ≤1.5: `residency` makes an app resident; 1.6+: a persistent volume does (residency is filled in for them). */
export function isResident(app: unknown, version: MarathonVersion): boolean {
  const residency = field(app, 'residency');
  return persistentVolumes(app).length > 0 || (!atLeast(version, 6) && residency !== undefined && residency !== null);
}

export function checkAppDefinition(app: unknown, ctx: CheckContext): RuleFinding[] {
  const resident = isResident(app, ctx.version);
  return [
    ...upgradeStrategyRules(app, ctx, resident),
    ...(resident ? residentRules(app, ctx) : []),
    ...residencyRules(app, ctx),
    ...volumeRules(app, ctx.version),
  ];
}

const KEEP_RESERVATION =
  'Marathon must kill the old instance before its replacement can take over the reservation and the volume on that agent';

function upgradeStrategyRules(app: unknown, ctx: CheckContext, resident: boolean): RuleFinding[] {
  const out: RuleFinding[] = [];
  const strategy = field(app, 'upgradeStrategy');
  const keys = ['minimumHealthCapacity', 'maximumOverCapacity'] as const;
  for (const key of keys) {
    const value = field(strategy, key);
    if (value !== undefined && (typeof value !== 'number' || value < 0 || value > 1)) {
      out.push(finding('upgrade-strategy-range', 'error', `/upgradeStrategy/${key}`, `got ${show(value)}, expected between 0.0 and 1.0`, `Set ${key} to a number between 0 and 1.`));
    }
  }
  const given = keys.filter((k) => field(strategy, k) !== undefined);
  if (strategy !== undefined && given.length === 1 && atLeast(ctx.version, 5)) {
    const missing = keys.find((k) => !given.includes(k)) as string;
    out.push(
      finding('upgrade-strategy-incomplete', 'warning', `/upgradeStrategy/${missing}`, `upgradeStrategy gives ${given[0]} only; from 1.5 the app schema requires both keys (inferred from types/app.raml)`, `Add ${missing} (${missing === 'maximumOverCapacity' ? '0' : '0.5, the default'} for an app with persistent volumes).`),
    );
  }
  if (!resident) return out;
  const max = field(strategy, 'maximumOverCapacity');
  if (typeof max === 'number' && max !== 0) {
    out.push(
      finding('upgrade-max-over-capacity', 'error', '/upgradeStrategy/maximumOverCapacity', `got ${max}, expected 0.0: an app with persistent volumes cannot run extra instances during a deployment (${KEEP_RESERVATION})`, 'Set "maximumOverCapacity": 0.'),
    );
  }
  const min = field(strategy, 'minimumHealthCapacity');
  if (typeof min === 'number' && min > 0.5 && min <= 1 && !atLeast(ctx.version, 3)) {
    out.push(
      finding('upgrade-min-health-capacity', 'error', '/upgradeStrategy/minimumHealthCapacity', `got ${min}, expected 0.5 or less: Marathon ${ctx.version.text} holds apps with persistent volumes to at most 0.5 (relaxed to [0, 1] in 1.3, #4138)`, 'Set minimumHealthCapacity to 0.5 or less, or upgrade Marathon to 1.3 or later.'),
    );
  }
  const { version } = ctx;
  const residency = field(app, 'residency');
  if (strategy === undefined && version.minor === 1 && version.patch !== null && version.patch <= 1 && (residency === undefined || residency === null)) {
    out.push(
      finding('upgrade-default-1.1.1', 'error', '/upgradeStrategy', `Marathon ${version.text} gives the resident default (0.5 / 0) only to apps that send "residency"; this app gets {1, 1}, which the resident rule refuses (fixed in 1.1.2)`, 'Add "upgradeStrategy": {"minimumHealthCapacity": 0.5, "maximumOverCapacity": 0}, or a "residency" block.'),
    );
  }
  return out;
}

function residentRules(app: unknown, ctx: CheckContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  const { version } = ctx;
  const unreachable = field(app, 'unreachableStrategy');
  if (atLeast(version, 4) && unreachable !== undefined && unreachable !== 'disabled') {
    out.push(
      finding('unreachable-strategy', 'error', '/unreachableStrategy', `unreachableStrategy must be disabled for resident tasks (got ${show(unreachable)}): a replacement elsewhere would start without the data, which stays on the unreachable agent`, 'Remove unreachableStrategy (apps with persistent volumes default to "disabled") or set it to "disabled".'),
    );
  }
  if (atLeast(version, 9)) {
    const role = field(app, 'role');
    const effective = role ?? ctx.mesosRole;
    if (effective === '*') {
      const how = role === undefined ? "no role is given, so Marathon's --mesos_role '*' applies" : 'role is "*"';
      out.push(finding('role-star', 'error', '/role', `Resident apps cannot have the role *: ${how}; unreserved resources cannot be reserved for an instance`, 'Set "role" to the role the reservations are made for (the group role, or a --mesos_role other than *).'));
    }
  }
  const accepted = field(app, 'acceptedResourceRoles');
  if (accepted !== undefined && accepted !== null && !(Array.isArray(accepted) && accepted.length > 0 && accepted.every((r) => r === '*'))) {
    const message = atLeast(version, 4)
      ? 'A resident app must have `acceptedResourceRoles = ["*"]`.'
      : 'Resident apps may not define acceptedResourceRoles other than "*" (unreserved resources)';
    out.push(finding('accepted-resource-roles', 'error', '/acceptedResourceRoles', `${message} (got ${show(accepted)}): Marathon reserves unreserved resources for each instance`, 'Remove acceptedResourceRoles, or set it to ["*"].'));
  }
  return out;
}

function residencyRules(app: unknown, ctx: CheckContext): RuleFinding[] {
  const residency = field(app, 'residency');
  if (atLeast(ctx.version, 6) || residency === undefined || residency === null || persistentVolumes(app).length > 0) return [];
  return [finding('residency-without-volumes', 'error', '/residency', 'AppDefinition must contain persistent volumes and define residency: "residency" is given but no volume is persistent', 'Remove "residency", or add the persistent volume the app needs.')];
}
