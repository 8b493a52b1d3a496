import { z } from 'zod';
import type { MarathonApp, MarathonInfo, MarathonTask } from '../model/marathon.js';
import type { MaintenanceSchedule, MaintenanceStatus, MesosAgentState, MesosFlags, MesosMasterState, MesosSlaves } from '../model/mesos.js';
import { ShapeError } from './shape-error.js';
import { checkTasks } from './task-check.js';

export { ShapeError } from './shape-error.js';
export { typeName } from './fields.js';
import { field, typeName } from './fields.js';

/**
 * Runtime validation of upstream JSON (zod 4, loose objects: unknown keys pass through). Optional means
 * "absent in some version"; `.nullable()` only where some version sends null (marathon README §a, §f).
 * Decoders return the caller's original objects (no copies, key order kept for --json); the schemas only judge.
 * /v2/tasks can hold 50,000 tasks: that path uses the hand-written checker in task-check.ts instead.
 */

const str = z.string();
const num = z.number();
const bool = z.boolean();

export const LocalVolumeSchema = z.looseObject({
  containerPath: str,
  persistenceId: str,
  runSpecId: str.optional(),
  uuid: str.optional(),
});

export const MarathonTaskSchema = z.looseObject({
  id: str,
  appId: str.optional(),
  host: str.optional(),
  slaveId: str.nullable().optional(),
  state: str.optional(),
  stagedAt: str.nullable().optional(),
  startedAt: str.nullable().optional(),
  version: str.optional(),
  ports: z.array(num).optional(),
  servicePorts: z.array(num).optional(),
  ipAddresses: z.array(z.looseObject({ ipAddress: str, protocol: str.optional() })).optional(),
  localVolumes: z.array(LocalVolumeSchema).optional(),
  role: str.optional(),
  healthCheckResults: z.array(z.unknown()).optional(),
});

const AppVolumeSchema = z.looseObject({
  containerPath: str.optional(),
  hostPath: str.optional(),
  mode: str.optional(),
  persistent: z
    .looseObject({
      size: num.optional(),
      type: z.enum(['root', 'path', 'mount']).optional(),
      maxSize: num.optional(),
      constraints: z.array(z.array(str)).optional(),
      profileName: str.optional(),
    })
    .optional(),
  external: z.unknown().optional(),
  name: str.optional(),
});

export const MarathonAppSchema = z.looseObject({
  id: str,
  instances: num.optional(),
  cpus: num.optional(),
  mem: num.optional(),
  disk: num.optional(),
  gpus: num.optional(),
  role: str.optional(),
  acceptedResourceRoles: z.array(str).nullable().optional(),
  container: z.looseObject({ type: str.optional(), volumes: z.array(AppVolumeSchema).optional() }).nullable().optional(),
  residency: z
    .looseObject({ relaunchEscalationTimeoutSeconds: num.optional(), taskLostBehavior: str.optional() })
    .nullable()
    .optional(),
  upgradeStrategy: z.looseObject({ minimumHealthCapacity: num.optional(), maximumOverCapacity: num.optional() }).optional(),
  unreachableStrategy: z.unknown().optional(),
  portDefinitions: z.array(z.unknown()).optional(),
  requirePorts: bool.optional(),
  version: str.optional(),
  tasks: z.array(MarathonTaskSchema).optional(),
  tasksRunning: num.optional(),
  tasksStaged: num.optional(),
});

export const MarathonInfoSchema = z.looseObject({
  name: str.optional(),
  version: str,
  buildref: str.optional(),
  elected: bool.optional(),
  leader: str.nullable().optional(),
  frameworkId: str.nullable().optional(),
  marathon_config: z.looseObject({
    checkpoint: bool.optional(),
    mesos_role: str.nullable().optional(),
    framework_name: str.optional(),
    task_reservation_timeout: num.optional(),
  }),
});

const LabelsSchema = z.looseObject({ labels: z.array(z.looseObject({ key: str, value: str.optional() })).optional() });

export const MesosResourceSchema = z.looseObject({
  name: str,
  type: str.optional(),
  scalar: z.looseObject({ value: num }).optional(),
  ranges: z.looseObject({ range: z.array(z.looseObject({ begin: num, end: num })) }).optional(),
  role: str.optional(),
  reservation: z.looseObject({ principal: str.optional(), labels: LabelsSchema.optional() }).optional(),
  reservations: z
    .array(z.looseObject({ type: str.optional(), role: str.optional(), principal: str.optional(), labels: LabelsSchema.optional() }))
    .optional(),
  disk: z
    .looseObject({
      persistence: z.looseObject({ id: str, principal: str.optional() }).optional(),
      volume: z.looseObject({ mode: str.optional(), container_path: str.optional() }).optional(),
      source: z
        .looseObject({
          type: str.optional(),
          id: str.optional(),
          mount: z.looseObject({ root: str.optional() }).optional(),
          path: z.looseObject({ root: str.optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
  allocation_info: z.looseObject({ role: str.optional() }).optional(),
});

const resources = z.array(MesosResourceSchema);

export const MesosAgentSchema = z.looseObject({
  id: str,
  hostname: str,
  port: num.optional(),
  pid: str.optional(),
  active: bool.optional(),
  deactivated: bool.optional(),
  version: str.optional(),
  attributes: z.record(str, z.unknown()).optional(),
  registered_time: num.optional(),
  reregistered_time: num.optional(),
  reserved_resources_full: z.record(str, resources).optional(),
  used_resources_full: resources.optional(),
  unreserved_resources_full: resources.optional(),
});

export const MesosSlavesSchema = z.looseObject({
  slaves: z.array(MesosAgentSchema),
  recovered_slaves: z.array(MesosAgentSchema).optional(),
});

const flagsRecord = z.record(str, str);

const MesosFrameworkSchema = z.looseObject({
  id: str,
  name: str.optional(),
  checkpoint: bool.optional(),
  role: str.optional(),
  roles: z.array(str).optional(),
  active: bool.optional(),
});

export const MesosMasterStateSchema = z.looseObject({
  version: str.optional(),
  leader: str.optional(),
  flags: flagsRecord.optional(),
  frameworks: z.array(MesosFrameworkSchema).optional(),
  completed_frameworks: z.array(MesosFrameworkSchema).optional(),
  slaves: z.array(MesosAgentSchema).optional(),
});

export const MesosFlagsSchema = z.looseObject({ flags: flagsRecord });

export const MesosAgentStateSchema = z.looseObject({
  id: str.optional(),
  hostname: str.optional(),
  flags: flagsRecord.optional(),
  reserved_resources_full: z.record(str, resources).optional(),
  frameworks: z
    .array(
      z.looseObject({
        id: str,
        checkpoint: bool.optional(),
        executors: z
          .array(
            z.looseObject({
              id: str,
              container: str.optional(),
              resources: z.unknown().optional(),
              tasks: z.array(z.looseObject({ id: str, state: str.optional(), resources: z.unknown().optional() })).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

const MachineIdSchema = z.looseObject({ hostname: str.optional(), ip: str.optional() });
const NanosSchema = z.looseObject({ nanoseconds: num });

export const MaintenanceScheduleSchema = z.looseObject({
  windows: z
    .array(z.looseObject({ machine_ids: z.array(MachineIdSchema), unavailability: z.looseObject({ start: NanosSchema, duration: NanosSchema.optional() }) }))
    .optional(),
});

export const MaintenanceStatusSchema = z.looseObject({
  draining_machines: z
    .array(
      z.looseObject({
        id: MachineIdSchema,
        statuses: z.array(z.looseObject({ status: str, framework_id: z.looseObject({ value: str }), timestamp: NanosSchema })).optional(),
      }),
    )
    .optional(),
  down_machines: z.array(MachineIdSchema).optional(),
});

/** Judges `doc` with `schema` and hands back `doc` itself, typed. */
function check<T>(schema: z.ZodType, doc: unknown, at = ''): T {
  const result = schema.safeParse(doc);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ShapeError(formatPath(issue?.path ?? [], at), problemText(issue?.message ?? 'invalid'));
  }
  return doc as T;
}

/** `['localVolumes', 0, 'uuid']` under `tasks[3]` → `tasks[3].localVolumes[0].uuid`. */
export function formatPath(path: readonly PropertyKey[], at = ''): string {
  let out = at;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && /^[A-Za-z_$][\w$]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

function problemText(message: string): string {
  return message.replace(/^Invalid input: /, '').replace(/, received /, ', got ');
}

// --- Decoders for whole responses -------------------------------------------------------------

/** Embedded tasks are checked by the fast checker: `/v2/apps?embed=apps.tasks` can hold every task. */
const MarathonAppShallowSchema = MarathonAppSchema.extend({ tasks: z.array(z.unknown()).optional() });

function checkApp(app: unknown, at: string): MarathonApp {
  const checked = check<MarathonApp>(MarathonAppShallowSchema, app, at);
  if (checked.tasks !== undefined) checkTasks(checked.tasks, `${at}.tasks`);
  return checked;
}

export function decodeApp(doc: unknown): MarathonApp {
  return checkApp(field(doc, 'app'), 'app');
}

export function decodeApps(doc: unknown): MarathonApp[] {
  const apps = field(doc, 'apps');
  if (!Array.isArray(apps)) throw new ShapeError('apps', `expected array, got ${typeName(apps)}`);
  apps.forEach((app, i) => checkApp(app, `apps[${i}]`));
  return apps as MarathonApp[];
}

export function decodeInfo(doc: unknown): MarathonInfo {
  return check<MarathonInfo>(MarathonInfoSchema, doc);
}

export function decodeSlaves(doc: unknown): MesosSlaves {
  return check<MesosSlaves>(MesosSlavesSchema, doc);
}

export function decodeMasterState(doc: unknown): MesosMasterState {
  return check<MesosMasterState>(MesosMasterStateSchema, doc);
}

export function decodeFlags(doc: unknown): MesosFlags {
  return check<{ flags: MesosFlags }>(MesosFlagsSchema, doc).flags;
}

export function decodeAgentState(doc: unknown): MesosAgentState {
  return check<MesosAgentState>(MesosAgentStateSchema, doc);
}

export function decodeMaintenanceSchedule(doc: unknown): MaintenanceSchedule {
  return check<MaintenanceSchedule>(MaintenanceScheduleSchema, doc);
}

export function decodeMaintenanceStatus(doc: unknown): MaintenanceStatus {
  return check<MaintenanceStatus>(MaintenanceStatusSchema, doc);
}


// Compile-time proof that the schemas produce what the declared wire types promise.
type Assignable<From, To> = From extends To ? true : never;
export const schemaTypeChecks: [
  Assignable<z.infer<typeof MarathonTaskSchema>, MarathonTask>,
  Assignable<z.infer<typeof MarathonAppSchema>, MarathonApp>,
  Assignable<z.infer<typeof MarathonInfoSchema>, MarathonInfo>,
  Assignable<z.infer<typeof MesosSlavesSchema>, MesosSlaves>,
  Assignable<z.infer<typeof MesosMasterStateSchema>, MesosMasterState>,
  Assignable<z.infer<typeof MesosAgentStateSchema>, MesosAgentState>,
] = [true, true, true, true, true, true];
