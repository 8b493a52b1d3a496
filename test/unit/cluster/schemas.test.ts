import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeAgentState,
  decodeApp,
  decodeApps,
  decodeFlags,
  decodeInfo,
  formatPath,
  MarathonTaskSchema,
  MesosSlavesSchema,
  ShapeError,
} from '../../../src/cluster/schemas.js';
import { decodeTasks } from '../../../src/cluster/decoders.js';
import { decodeAgentSummary } from '../../../src/cluster/decoders.js';
import { taskProblem } from '../../../src/cluster/task-check.js';

const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null), fc.boolean());
const strOrJunk = fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 6 }) }, { weight: 1, arbitrary: scalar });

const localVolume = fc.record(
  { containerPath: strOrJunk, persistenceId: strOrJunk, runSpecId: strOrJunk, uuid: strOrJunk },
  { requiredKeys: [] },
);
const ipAddress = fc.record({ ipAddress: strOrJunk, protocol: strOrJunk }, { requiredKeys: [] });
const arrayOrJunk = <T>(item: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: fc.array(item, { maxLength: 3 }) }, { weight: 1, arbitrary: scalar });

/** Task-like objects: mostly well-formed, sometimes one field of the wrong type, plus unknown keys. */
const taskLike = fc.record(
  {
    id: strOrJunk,
    appId: strOrJunk,
    host: strOrJunk,
    slaveId: strOrJunk,
    state: strOrJunk,
    stagedAt: strOrJunk,
    startedAt: strOrJunk,
    version: strOrJunk,
    role: strOrJunk,
    ports: arrayOrJunk(fc.oneof({ weight: 6, arbitrary: fc.integer() }, { weight: 1, arbitrary: scalar })),
    servicePorts: arrayOrJunk(fc.integer()),
    ipAddresses: arrayOrJunk(fc.oneof({ weight: 6, arbitrary: ipAddress }, { weight: 1, arbitrary: scalar })),
    localVolumes: arrayOrJunk(fc.oneof({ weight: 6, arbitrary: localVolume }, { weight: 1, arbitrary: scalar })),
    healthCheckResults: arrayOrJunk(scalar),
    region: scalar,
  },
  { requiredKeys: [] },
);

describe('the fast task checker agrees with the zod schema', () => {
  it('accepts exactly what MarathonTaskSchema accepts', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 20, arbitrary: taskLike }, { weight: 1, arbitrary: scalar }), (task) => {
        expect(taskProblem(task) === undefined).toBe(MarathonTaskSchema.safeParse(task).success);
      }),
      { numRuns: 3000 },
    );
  });

  it('names the same path as zod when a single field is wrong', () => {
    const good = { id: 'a', localVolumes: [{ containerPath: 'data', persistenceId: 'p' }], ports: [1], ipAddresses: [{ ipAddress: '127.0.0.1' }] };
    const mutations: [string, (t: Record<string, unknown>) => void][] = [
      ['.id', (t) => delete t.id],
      ['.stagedAt', (t) => (t.stagedAt = 5)],
      ['.ports[0]', (t) => (t.ports = ['31000'])],
      ['.localVolumes[0].persistenceId', (t) => (t.localVolumes = [{ containerPath: 'data' }])],
      ['.ipAddresses[0]', (t) => (t.ipAddresses = ['127.0.0.1'])],
      ['.healthCheckResults', (t) => (t.healthCheckResults = {})],
    ];
    for (const [path, mutate] of mutations) {
      const task = structuredClone(good) as Record<string, unknown>;
      mutate(task);
      const issue = MarathonTaskSchema.safeParse(task).error?.issues[0];
      expect(taskProblem(task)?.[0]).toBe(path);
      expect(`.${formatPath(issue?.path ?? [])}`).toBe(path);
    }
  });

  it('accepts null where some Marathon version sends it, and absent fields', () => {
    expect(taskProblem({ id: 'a', slaveId: null, stagedAt: null, startedAt: null })).toBeUndefined();
    expect(taskProblem({ id: 'a' })).toBeUndefined();
    expect(taskProblem({ id: 'a', host: null })).toEqual(['.host', 'expected string, got null']);
  });

  it('hands back the decoded document itself (no copy on the 50,000-task hot path)', () => {
    const tasks = [{ id: 'a.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1', localVolumes: [] }];
    const doc = { tasks };
    expect(decodeTasks(doc)).toBe(tasks);
  });
});

describe('decoders', () => {
  it('report the full path of the first problem', () => {
    const shape = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(ShapeError);
        return `${(e as ShapeError).path}: ${(e as ShapeError).problem}`;
      }
      throw new Error('expected a ShapeError');
    };
    expect(shape(() => decodeTasks({ tasks: [{ id: 'a' }, { id: 'b', ports: [1, 'x'] }] }))).toBe('tasks[1].ports[1]: expected number, got string');
    expect(shape(() => decodeTasks({ apps: [] }))).toBe('tasks: expected array, got undefined');
    expect(shape(() => decodeTasks('<html>'))).toBe('(root): expected an object with "tasks", got string');
    expect(shape(() => decodeApp({ app: { id: '/a', instances: '1' } }))).toBe('app.instances: expected number, got string');
    expect(shape(() => decodeApps({ apps: [{ id: '/a', tasks: [{ id: 1 }] }] }))).toBe('apps[0].tasks[0].id: expected string, got number');
    expect(shape(() => decodeInfo({ version: '1.4.2' }))).toMatch(/^marathon_config: expected object/);
    expect(shape(() => decodeFlags({ flags: { strict: true } }))).toBe('flags.strict: expected string, got boolean');
    expect(shape(() => decodeAgentState({ frameworks: [{ id: 'f', executors: [{ id: 5 }] }] }))).toBe(
      'frameworks[0].executors[0].id: expected string, got number',
    );
  });

  it('keep unknown keys and hand back the same objects', () => {
    const app = { id: '/a', labels: { team: 'db' }, container: null, residency: null, acceptedResourceRoles: null };
    expect(decodeApp({ app })).toBe(app);
    const info = { version: '1.1.1', leader: null, frameworkId: null, marathon_config: { mesos_role: null, extra: 1 } };
    expect(decodeInfo(info)).toBe(info);
  });

  it('formatPath quotes keys that are not identifiers', () => {
    expect(formatPath(['reserved_resources_full', 'dev/backend', 0, 'role'], 'slaves[0]')).toBe(
      'slaves[0].reserved_resources_full["dev/backend"][0].role',
    );
  });
});

/** Agent entries of /master/state-summary: mostly well-formed, sometimes one field of the wrong type. */
const agentLike = fc.record(
  {
    id: strOrJunk,
    hostname: strOrJunk,
    pid: strOrJunk,
    version: strOrJunk,
    port: fc.oneof({ weight: 4, arbitrary: fc.integer() }, { weight: 1, arbitrary: scalar }),
    registered_time: fc.oneof({ weight: 4, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) }, { weight: 1, arbitrary: scalar }),
    active: fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: scalar }),
    deactivated: fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: scalar }),
    attributes: fc.oneof({ weight: 4, arbitrary: fc.dictionary(fc.string({ maxLength: 3 }), scalar) }, { weight: 1, arbitrary: scalar }),
    resources: scalar,
  },
  { requiredKeys: [] },
);

describe('the fast state-summary checker agrees with the zod schema', () => {
  it('accepts exactly what MesosSlavesSchema accepts, and names the same path', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ slaves: arrayOrJunk(fc.oneof({ weight: 20, arbitrary: agentLike }, { weight: 1, arbitrary: scalar })) }),
        async (doc) => {
          const fast = await decodeAgentSummary(doc).then(() => undefined, (e: unknown) => e as ShapeError);
          const full = MesosSlavesSchema.safeParse(doc);
          expect(fast === undefined).toBe(full.success);
          if (fast !== undefined) expect(fast.path).toBe(formatPath(full.error?.issues[0]?.path ?? []));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('hands answers that carry reservations to the full schema', async () => {
    const doc = { slaves: [{ id: 'a', hostname: 'h', reserved_resources_full: { role: [{ name: 5 }] } }] };
    await expect(decodeAgentSummary(doc)).rejects.toThrow(/slaves\[0\]\.reserved_resources_full\.role\[0\]\.name: expected string/);
  });
});
