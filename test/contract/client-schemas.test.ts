import { expect, it } from 'vitest';
import {
  decodeApp,
  decodeApps,
  decodeFlags,
  decodeInfo,
  decodeSlaves,
  MarathonTaskSchema,
} from '../../src/cluster/schemas.js';
import { decodeTasks } from '../../src/cluster/decoders.js';
import { describeWithReference, referenceJson } from '../helpers/reference.js';

/** Every upstream payload in ../shared/reference must pass our validation and keep the fields we read. */
const load = (path: string): unknown => referenceJson(path);
const clone = <T>(v: T): T => structuredClone(v);

describeWithReference('Marathon task payloads', () => {
  it.each(['v1.1-app-tasks-waiting.json', 'v1.4-app-tasks-waiting.json', 'v1.10-app-tasks-waiting.json'])(
    'constructed fixture %s validates and keeps the waiting task as sent',
    (file) => {
      const doc = load(`marathon/${file}`) as { tasks: Record<string, unknown>[] };
      const original = clone(doc);
      const tasks = decodeTasks(doc);
      expect(tasks).toHaveLength(2);
      // Decoding hands back the document itself: key presence (stagedAt!) and order untouched.
      expect(tasks).toBe(doc.tasks);
      expect(doc).toEqual(original);
      const waiting = tasks[1];
      expect(waiting?.id).toContain('53ab8733-fd96-11e5-8e70-76a1c19f8c3d');
      expect(waiting && 'stagedAt' in waiting).toBe(false);
      expect(waiting?.slaveId).toBe('d935ca7e-e29d-4503-94e7-25fe9f16847c-S1');
      expect(waiting?.host).toBe('127.0.0.168');
      expect(waiting?.localVolumes?.[0]?.persistenceId).toBe('postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d');
      expect(tasks[0]?.stagedAt).toEqual(expect.any(String));
      // The zod schema (used for documentation and small payloads) agrees with the fast checker.
      for (const t of tasks) expect(MarathonTaskSchema.safeParse(t).success).toBe(true);
    },
  );

  it('the 1.4+ LocalVolumeId shape keeps runSpecId and uuid', () => {
    const tasks = decodeTasks(load('marathon/v1.10-app-tasks-waiting.json'));
    expect(tasks[1]?.localVolumes?.[0]).toMatchObject({ runSpecId: '/postgres', containerPath: 'pgdata', uuid: expect.any(String) });
    expect(tasks[1]?.role).toEqual(expect.any(String));
  });

  it('upstream examples app_tasks.json and tasks.json validate, unknown keys (region, zone) kept', () => {
    const appTasks = decodeTasks(load('marathon/upstream/app_tasks.json'));
    expect(appTasks[0]).toMatchObject({ appId: '/minecraft/survival-world', slaveId: 'agent0', zone: 'a', region: 'primary' });
    const all = decodeTasks(load('marathon/upstream/tasks.json'));
    expect(all.map((t) => t.appId)).toEqual(['/frontend-foosball', '/tools/docker/registry']);
    expect(all[0]?.servicePorts).toEqual([10019]);
  });

  it('upstream app_task.json (single task) passes the task schema', () => {
    const { task } = load('marathon/upstream/app_task.json') as { task: unknown };
    expect(MarathonTaskSchema.safeParse(task).success).toBe(true);
  });
});

describeWithReference('Marathon app and info payloads', () => {
  it.each(['marathon/app-postgres-resident.json', 'marathon/app-postgres-resident-v1.4.json', 'marathon/upstream/app.json'])(
    '%s validates as an app',
    (file) => {
      const app = load(file);
      const decoded = decodeApp({ app });
      expect(decoded).toBe(app);
      expect(decoded.id).toMatch(/^\//);
    },
  );

  it('the resident app keeps its persistent volume and upgrade strategy', () => {
    const app = decodeApp({ app: load('marathon/app-postgres-resident.json') });
    expect(app.container?.volumes?.[0]?.persistent).toMatchObject({ type: 'mount', size: 524288 });
    expect(app.upgradeStrategy).toEqual({ maximumOverCapacity: 0, minimumHealthCapacity: 0 });
    const v14 = decodeApp({ app: load('marathon/app-postgres-resident-v1.4.json') });
    expect(v14.residency ?? v14.container?.volumes?.[0]?.persistent).toBeDefined();
  });

  it('decodes an /v2/apps list with embedded tasks', () => {
    const app = { ...(load('marathon/app-postgres-resident.json') as object), tasks: (load('marathon/v1.10-app-tasks-waiting.json') as { tasks: unknown[] }).tasks };
    const apps = decodeApps({ apps: [app] });
    expect(apps[0]?.tasks?.[1]?.localVolumes?.[0]?.containerPath).toBe('pgdata');
  });

  it('info.json keeps version, frameworkId and marathon_config.mesos_role', () => {
    const info = decodeInfo(load('marathon/upstream/info.json'));
    expect(info.version).toBe('1.5.0-SNAPSHOT');
    expect(info.frameworkId).toBe('96d7da70-b731-4cfb-96a7-0ee877af615d-0000');
    expect(info.marathon_config.mesos_role).toBe('slave_public');
    expect(info.marathon_config.checkpoint).toBe(true);
    expect(info.zookeeper_config).toBeDefined();
  });
});

describeWithReference('Mesos payloads', () => {
  it('master /slaves with persistent volumes keeps reservations, persistence ids and mount roots', () => {
    const doc = load('mesos-dcos/master-slaves-with-persistent-volume.json');
    const slaves = decodeSlaves(doc);
    expect(slaves).toBe(doc);
    const agent = slaves.slaves[0];
    expect(agent?.pid).toBe('slave(1)@127.0.0.168:5051');
    const publicRole = agent?.reserved_resources_full?.slave_public ?? [];
    const ids = publicRole.map((r) => r.disk?.persistence?.id).filter(Boolean);
    expect(ids).toContain('postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d');
    const mount = publicRole.find((r) => r.disk?.source?.type === 'MOUNT');
    expect(mount?.disk?.source?.mount?.root).toBe('/dcos/volume0');
    // A refined reservation has no deprecated `role`, only `reservations`.
    const refined = agent?.reserved_resources_full?.['dev/backend']?.[0];
    expect(refined?.role).toBeUndefined();
    expect(refined?.reservations?.at(-1)?.role).toBe('dev/backend');
    expect(publicRole[0]?.reservation?.labels?.labels?.map((l) => l.key)).toContain('marathon_framework_id');
  });

  it.each(['agent-flags.json', 'master-flags.json', 'dcos-agent-flags-excerpt.json', 'dcos-master-flags-excerpt.json'])(
    '%s validates as /flags, every value a string',
    (file) => {
      const flags = decodeFlags(load(`mesos-dcos/${file}`));
      expect(Object.keys(flags).length).toBeGreaterThan(3);
      for (const v of Object.values(flags)) expect(typeof v).toBe('string');
    },
  );

  it('the DC/OS agent excerpt keeps the recovery flags', () => {
    const flags = decodeFlags(load('mesos-dcos/dcos-agent-flags-excerpt.json'));
    expect(flags).toMatchObject({ recover: 'reconnect', recovery_timeout: '1days', strict: 'true', work_dir: '/var/lib/mesos/slave' });
    expect(decodeFlags(load('mesos-dcos/dcos-master-flags-excerpt.json')).max_slave_ping_timeouts).toBe('20');
  });
});
