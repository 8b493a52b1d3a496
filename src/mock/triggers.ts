import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../core/errors.js';
import { startDeployment } from './deployments.js';
import { formatTaskId, instanceKey, nextUuid, reservationLabelFor, safeAppId } from './ids.js';
import { restartOnReservation, scaleApp, type NewVolumeDir } from './marathon-ops.js';
import { agentRoot } from './paths.js';
import { markInUse, syncContainerMounts } from './proc.js';
import { createVolumeDir, hostPathOf } from './sandbox.js';
import { MockStore } from './store.js';
import type { MockState } from './types.js';

/**
 * `STATEFUL_OPS_MOCK_TRIGGERS`: changes to the mock cluster at a named point of a run, so tests of a
 * moving cluster are deterministic instead of timing-based. Rules separated by `;`:
 *
 *   <agent id|S1|hostname>:<before|after>=<n>:<action>[=<arg>][,<action>[=<arg>]…]
 *
 * fires when that agent is about to run (`before`) or has finished (`after`) its n-th SSH command of
 * this run. Actions (each is what really happens on a cluster, done the way the mock's Marathon and
 * Mesos do it):
 * - `relaunch=<task id>`  the app is scaled up by one and Marathon relaunches that waiting task on its
 *                         reservation (new incarnation; Marathon 1.1 reuses the id)
 * - `scale=<app id>@<n>`  `PUT /v2/apps/<app>` with `instances: n` (force)
 * - `deploy=<app id>`     a deployment touching the app starts and stays in progress
 * - `remove-agent`        the agent is removed from the master (`[=<agent>]` for another one)
 * - `in-use=<task id>`    a container Marathon and Mesos do not know about bind-mounts that task's volumes
 * - `in-use-path=<path>`  a container bind-mounts that agent directory (e.g. `docker run -v` by hand)
 * - `create-volume=<persistence id>`  an operator re-creates a persistent volume with the id of orphaned
 *                         data on this agent (operator API CREATE, e.g. to recover it): the master lists it
 * - `restore-task=<persistence id>[@<agent>]`   Marathon's state is restored from an older backup in which an
 *                         instance of the id's app still owned that volume on this (or that) agent: Marathon lists
 *                         it as a waiting resident task again; the master has no reservation for it
 * - `edit-file=<path>`    an operator edits that agent file by hand (a comment line is appended to it)
 * - `touch=<path>`        a process on the agent creates the empty file <path> (as root), e.g. a database's
 *                         pid file appearing in a volume
 * - `hold=<ms>`           wait (keeps the run inside a window, e.g. while another run starts)
 * - `cut`                 (after only) the command ran, but the connection drops before its report leaves
 * Further actions register in `triggerActions` (each returns the volume directories it created).
 */

export interface TriggerContext {
  stateDir: string;
  agentId: string;
  arg: string;
}

type TriggerAction = (state: MockState, ctx: TriggerContext) => NewVolumeDir[] | void;

export interface MockTrigger {
  agentId: string;
  when: 'before' | 'after';
  command: number;
  actions: { name: string; arg: string }[];
}

function findTask(state: MockState, taskId: string) {
  const task = state.tasks.find((t) => instanceKey(state.flavour, t.id) === instanceKey(state.flavour, taskId));
  if (!task) throw new Error(`mock trigger: no task '${taskId}'`);
  return task;
}

export const triggerActions: Record<string, TriggerAction> = {
  relaunch(state, { arg }) {
    const task = findTask(state, arg);
    const app = state.apps.find((a) => a.id === task.appId);
    if (app) app.instances += 1;
    restartOnReservation(state, task);
  },
  scale(state, { arg }) {
    const at = arg.lastIndexOf('@');
    const app = state.apps.find((a) => a.id === arg.slice(0, at));
    if (!app || at < 0) throw new Error(`mock trigger: scale needs <app id>@<instances>, got '${arg}'`);
    return scaleApp(state, app, Number(arg.slice(at + 1)), true).newVolumes;
  },
  deploy(state, { arg }) {
    startDeployment(state, { affectedApps: [arg] });
  },
  'remove-agent'(state, { agentId, arg }) {
    const agent = state.agents.find((a) => a.id === (arg || agentId) || a.id.endsWith(`-${arg}`));
    if (!agent) throw new Error(`mock trigger: no agent '${arg || agentId}'`);
    agent.lost = true;
  },
  'in-use'(state, { stateDir, arg }) {
    const task = findTask(state, arg);
    for (const r of state.reservations) {
      if (r.agentId !== task.agentId) continue;
      for (const v of r.volumes) {
        if (task.localVolumes.some((lv) => lv.persistenceId === v.persistenceId)) {
          markInUse(agentRoot(stateDir, task.agentId), hostPathOf(r.role, v));
        }
      }
    }
  },
  'edit-file'(_state, { stateDir, agentId, arg }) {
    appendFileSync(join(agentRoot(stateDir, agentId), arg.replace(/^\/+/, '')), '# edited by hand meanwhile\n');
  },
  'in-use-path'(_state, { stateDir, agentId, arg }) {
    markInUse(agentRoot(stateDir, agentId), arg);
  },
  touch(_state, { stateDir, agentId, arg }) {
    if (!arg.startsWith('/') || arg.split('/').includes('..')) throw new Error(`mock trigger: touch needs an absolute agent path, got '${arg}'`);
    writeFileSync(join(agentRoot(stateDir, agentId), arg), '', { flag: 'a' });
  },
  'create-volume'(state, { agentId, arg }) {
    const stray = (state.strayVolumes ?? []).find((v) => v.agentId === agentId && v.persistenceId === arg);
    if (!stray) throw new Error(`mock trigger: no orphaned volume directory '${arg}' on agent ${agentId}`);
    state.strayVolumes = (state.strayVolumes ?? []).filter((v) => v !== stray);
    // Mesos's CREATE finds the directory there and keeps what is in it.
    state.reservations.push({
      agentId,
      role: stray.role,
      principal: state.principal,
      labels: [],
      cpus: 0,
      mem: 0,
      volumes: [{ persistenceId: stray.persistenceId, containerPath: stray.containerPath, sizeMb: 1024 }],
    });
  },
  'restore-task'(state, { agentId: here, arg: spec }) {
    const at = spec.lastIndexOf('@');
    const arg = at < 0 ? spec : spec.slice(0, at);
    const agentId = at < 0 ? here : (state.agents.find((a) => a.id === spec.slice(at + 1) || a.id.endsWith(`-${spec.slice(at + 1)}`))?.id ?? '');
    if (!agentId) throw new Error(`mock trigger: no agent '${spec.slice(at + 1)}'`);
    const [safeApp = '', containerPath, volumeUuid] = arg.split('#');
    const app = state.apps.find((a) => safeAppId(a.id) === safeApp);
    if (!app || !containerPath || !volumeUuid) throw new Error(`mock trigger: restore-task needs the persistence id of an app's volume, got '${arg}'`);
    const uuid = nextUuid(volumeUuid);
    state.tasks.push({
      id: formatTaskId(state.flavour, { appId: app.id, uuid, resident: true, incarnation: 1 }),
      appId: app.id,
      agentId,
      kind: 'waiting',
      mesosState: 'TASK_KILLED',
      stagedAt: new Date().toISOString(),
      startedAt: null,
      version: app.version,
      ports: [],
      ipAddresses: [],
      localVolumes: [{ containerPath, persistenceId: arg, uuid: volumeUuid }],
      role: state.mesosRole,
      reservationLabel: reservationLabelFor(state.flavour, app.id, uuid),
    });
  },
};

const ASYNC_ACTIONS = new Set(['hold', 'cut']);

export function parseMockTriggers(spec: string | undefined, agents: readonly { id: string; hostname: string }[]): MockTrigger[] {
  if (spec === undefined || spec.trim() === '') return [];
  const bad = (rule: string, why: string) => usageError(`STATEFUL_OPS_MOCK_TRIGGERS: '${rule}': ${why}`);
  return spec
    .split(';')
    .map((r) => r.trim())
    .filter(Boolean)
    .flatMap((rule) => {
      const first = rule.indexOf(':');
      const second = rule.indexOf(':', first + 1);
      const [who, point, list] = [rule.slice(0, first), rule.slice(first + 1, second), rule.slice(second + 1)];
      const m = /^(before|after)=(\d+)$/.exec(point);
      if (first <= 0 || second < 0 || !m || !list) throw bad(rule, 'expected <agent>:<before|after>=<n>:<action>[=<arg>]');
      const matched = agents.filter((a) => a.id === who || a.hostname === who || a.id.endsWith(`-${who}`));
      if (matched.length !== 1) throw bad(rule, `no single mock agent '${who}'`);
      const actions = list.split(',').map((item) => {
        const eq = item.indexOf('=');
        const name = eq < 0 ? item : item.slice(0, eq);
        if (!triggerActions[name] && !ASYNC_ACTIONS.has(name)) throw bad(rule, `unknown action '${name}'`);
        return { name, arg: eq < 0 ? '' : item.slice(eq + 1) };
      });
      return [{ agentId: (matched[0] as { id: string }).id, when: m[1] as 'before' | 'after', command: Number(m[2]), actions }];
    });
}

/** Hooks for the mock SSH server: container mounts kept in step with the state, then the triggers. */
export function mockCommandHooks(stateDir: string, triggers: readonly MockTrigger[]) {
  const store = new MockStore(stateDir);
  const fire = async (when: 'before' | 'after', agentId: string, command: number): Promise<void | 'cut'> => {
    let cut = false;
    for (const trigger of triggers) {
      if (trigger.agentId !== agentId || trigger.when !== when || trigger.command !== command) continue;
      for (const { name, arg } of trigger.actions) {
        if (name === 'hold') {
          await new Promise((r) => setTimeout(r, Number(arg) || 0));
          continue;
        }
        if (name === 'cut') {
          cut = when === 'after';
          continue;
        }
        const action = triggerActions[name] as TriggerAction;
        const created = store.mutate((state) => action(state, { stateDir, agentId, arg }) ?? []);
        for (const dir of created) createVolumeDir(stateDir, dir.agentId, dir.hostPath);
      }
    }
    return cut ? 'cut' : undefined;
  };
  return {
    async beforeCommand(agentId: string, command: number): Promise<void> {
      await fire('before', agentId, command);
      syncContainerMounts(agentRoot(stateDir, agentId), store.current(), agentId);
    },
    afterCommand(agentId: string, command: number): Promise<void | 'cut'> {
      return fire('after', agentId, command);
    },
  };
}
