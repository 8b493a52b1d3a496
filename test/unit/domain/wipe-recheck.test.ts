import { describe, expect, it } from 'vitest';
import type { MarathonApp, MarathonTask } from '../../../src/model/marathon.js';
import type { MesosAgentState } from '../../../src/model/mesos.js';
import {
  agentUsers,
  instanceOf,
  launchedCount,
  recheckTask,
  taskConflicts,
  type FreshView,
  type PlannedTask,
} from '../../../src/domain/wipe-recheck.js';

const UUID = '53ab8733-fd96-11e5-8e70-76a1c19f8c3d';
const PID = `postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d`;
const waiting = (id: string, extra: Partial<MarathonTask> = {}): MarathonTask => ({
  id,
  appId: '/postgres',
  slaveId: 'S1',
  state: 'TASK_KILLED',
  localVolumes: [{ containerPath: 'pgdata', persistenceId: PID }],
  ...extra,
});
const running = (id: string, extra: Partial<MarathonTask> = {}): MarathonTask =>
  waiting(id, { state: 'TASK_RUNNING', stagedAt: '2026-12-01T10:00:00.000Z', startedAt: '2026-12-01T10:00:01.000Z', ...extra });
const other = running('postgres.instance-4f2a1c11-fd96-11e5-8e70-76a1c19f8c3d._app.2', {
  slaveId: 'S0',
  localVolumes: [{ containerPath: 'pgdata', persistenceId: 'postgres#pgdata#4f2a1c10-fd96-11e5-8e70-76a1c19f8c3d' }],
});
const planned: PlannedTask = { app: '/postgres', task: `postgres.instance-${UUID}._app.1`, persistenceIds: [PID], skipData: false, stagedAt: null };
const app = (instances: number): MarathonApp => ({ id: '/postgres', instances });
const fresh = (over: Partial<FreshView> = {}): FreshView => ({
  app: app(1),
  tasks: [other, waiting(planned.task)],
  deployments: [],
  agentPresence: 'active',
  agentState: { frameworks: [] },
  ...over,
});

describe('instanceOf', () => {
  it('maps every incarnation of every id generation to its instance', () => {
    expect(instanceOf(`postgres.instance-${UUID}._app.1`)).toBe(`postgres.instance-${UUID}`);
    expect(instanceOf(`postgres.instance-${UUID}._app.7`)).toBe(`postgres.instance-${UUID}`);
    expect(instanceOf(`db_mysql.${UUID}.3`)).toBe(`db_mysql.${UUID}`);
    expect(instanceOf(`postgres.${UUID}`)).toBe(`postgres.${UUID}`);
    expect(instanceOf('not a task id')).toBe('not a task id');
  });
});

describe('recheckTask', () => {
  it('passes a task that is still waiting, with nothing in its way', () => {
    expect(recheckTask(planned, fresh())).toEqual({ ok: true, stagedAt: null });
  });

  it('refuses an instance that relaunched under a new incarnation, and says so', () => {
    const verdict = recheckTask(planned, fresh({ app: app(2), tasks: [other, running(`postgres.instance-${UUID}._app.2`)] }));
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.relaunched).toBe(true);
    expect(verdict.reasons.join(' ')).toMatch(/relaunched: .*_app\.2 is TASK_RUNNING/);
  });

  it('refuses a reused id (Marathon 1.1) that is launched again', () => {
    const id = `postgres.${UUID}`;
    const verdict = recheckTask({ ...planned, task: id }, fresh({ app: app(2), tasks: [other, running(id)] }));
    expect(verdict.ok === false && verdict.relaunched).toBe(true);
  });

  it('refuses when the app wants more instances than are launched, naming the scale to do first', () => {
    const verdict = recheckTask(planned, fresh({ app: app(3) }));
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.relaunched).toBe(false);
    expect(verdict.reasons).toContainEqual(expect.stringContaining('scale /postgres to 1 first'));
  });

  it('refuses while a deployment touches the app, and not for other apps', () => {
    const dep = { id: 'd1', affectedApps: ['/postgres'], currentApps: [] };
    expect(recheckTask(planned, fresh({ deployments: [dep] })).ok).toBe(false);
    expect(recheckTask(planned, fresh({ deployments: [{ id: 'd2', affectedApps: ['/kafka'], currentApps: [] }] })).ok).toBe(true);
  });

  it('reports a task that vanished as gone, not as a refusal to retry', () => {
    const verdict = recheckTask(planned, fresh({ tasks: [other] }));
    expect(verdict.ok === false && verdict.gone).toBe(true);
    const noApp = recheckTask(planned, fresh({ app: null, tasks: [] }));
    expect(noApp.ok === false && noApp.gone).toBe(true);
  });

  it('refuses when the agent left the master, and a --skip-data task when its agent came back', () => {
    expect(recheckTask(planned, fresh({ agentPresence: 'gone' })).ok).toBe(false);
    expect(recheckTask(planned, fresh({ agentPresence: 'inactive' })).ok).toBe(false);
    const skip = { ...planned, skipData: true };
    expect(recheckTask(skip, fresh({ agentPresence: 'gone', agentState: null })).ok).toBe(true);
    // Launched before its agent was lost (TASK_UNREACHABLE): that launch is the plan's, not a relaunch.
    const lostAt = '2026-12-01T09:00:00.000Z';
    const unreachable = running(planned.task, { state: 'TASK_UNREACHABLE', stagedAt: lostAt });
    expect(recheckTask({ ...skip, stagedAt: lostAt }, fresh({ tasks: [other, unreachable], agentPresence: 'gone', agentState: null })).ok).toBe(true);
    const back = recheckTask(skip, fresh({ agentPresence: 'active' }));
    expect(back.ok === false && back.reasons.join()).toMatch(/without --skip-data/);
  });

  it("refuses when the agent's own state shows something using the instance or a volume", () => {
    const state: MesosAgentState = {
      frameworks: [{ id: 'f', executors: [{ id: 'e1', tasks: [{ id: `postgres.instance-${UUID}._app.2`, state: 'TASK_STAGING' }] }] }],
    };
    expect(recheckTask(planned, fresh({ agentState: state })).ok).toBe(false);
  });

  it('refuses tasks the listing contradicts', () => {
    const dup = recheckTask(planned, fresh({ tasks: [other, waiting(planned.task), waiting(planned.task)] }));
    expect(dup.ok === false && dup.reasons.join()).toMatch(/lists task .* 2 times/);
  });
});

describe('taskConflicts', () => {
  it('finds duplicate ids, an instance both launched and waiting, and a persistence id claimed twice', () => {
    const a = waiting(`postgres.instance-${UUID}._app.1`);
    const b = running(`postgres.instance-${UUID}._app.2`);
    const c = waiting('postgres.instance-11111111-fd96-11e5-8e70-76a1c19f8c3d._app.1');
    const conflicts = taskConflicts([a, a, b, c]);
    expect(conflicts.get(a.id)?.join(' ')).toMatch(/2 times/);
    expect(conflicts.get(b.id)?.join(' ')).toMatch(/both launched .* and waiting/);
    expect(conflicts.get(c.id)?.join(' ')).toMatch(/claimed by 3 tasks|claimed by 2 tasks/);
  });

  it('finds nothing in a consistent listing', () => {
    expect(taskConflicts([other, waiting(planned.task)]).size).toBe(0);
  });
});

describe('agentUsers and launchedCount', () => {
  it('ignores terminal tasks and sees executors holding the volume', () => {
    const state: MesosAgentState = {
      frameworks: [
        {
          id: 'f',
          executors: [
            { id: 'old', tasks: [{ id: `postgres.instance-${UUID}._app.1`, state: 'TASK_KILLED' }] },
            { id: 'holder', resources: [{ name: 'disk', disk: { persistence: { id: PID } } }], tasks: [] },
          ],
        },
      ],
    };
    expect(agentUsers(state, `postgres.instance-${UUID}`, [PID])).toEqual([`executor holder holds volume ${PID}`]);
  });

  it('counts launched instances once each', () => {
    expect(launchedCount([other, other, waiting(planned.task)])).toBe(1);
  });
});
