/**
 * What losing some agents for a while means for each stateful (resident) Marathon app: its instances
 * there are pinned to their reservations and wait for the agent; how many healthy instances it keeps
 * elsewhere; whether the agents hold its last running instance, or the only copy of its data.
 */

export type InstanceState = 'running' | 'waiting' | 'agent-lost';

export interface ResidentInstance {
  task: string;
  agentId: string | null;
  host: string | null;
  state: InstanceState;
  /** Marathon's health checks: false when one fails, null without health checks. */
  healthy: boolean | null;
  persistenceIds: string[];
}

export interface ResidentApp {
  app: string;
  instances: number;
  tasks: ResidentInstance[];
}

export interface AppImpact {
  app: string;
  instances: number;
  /** The app's instances on the agents concerned, with whether the operation kills them. */
  here: (ResidentInstance & { killed: boolean })[];
  /** Running (and not failing a health check) instances on other agents. */
  healthyElsewhere: number;
  /** Instances of any state on other agents: other volumes of the app. */
  instancesElsewhere: number;
  /** Every running instance of the app is killed: it is unavailable until an agent returns. */
  losesLastInstance: boolean;
  /** No instance elsewhere holds a volume: these agents hold the only copy of the app's data. */
  onlyCopy: boolean;
}

/**
 * `agents`: the agents restarted or rebooted; `killed`: the task ids the operation kills there.
 * Apps with nothing on those agents are left out.
 */
export function residentImpact(apps: readonly ResidentApp[], agents: ReadonlySet<string>, killed: ReadonlySet<string>): AppImpact[] {
  const out: AppImpact[] = [];
  for (const app of apps) {
    const isHere = (t: ResidentInstance) => t.agentId !== null && agents.has(t.agentId);
    const here = app.tasks.filter(isHere).map((t) => ({ ...t, killed: killed.has(t.task) }));
    if (here.length === 0) continue;
    const elsewhere = app.tasks.filter((t) => !isHere(t));
    const healthyElsewhere = elsewhere.filter((t) => t.state === 'running' && t.healthy !== false).length;
    const killedRunning = here.filter((t) => t.killed && t.state === 'running').length;
    const survivingHere = here.filter((t) => !t.killed && t.state === 'running').length;
    out.push({
      app: app.app,
      instances: app.instances,
      here,
      healthyElsewhere,
      instancesElsewhere: elsewhere.length,
      losesLastInstance: killedRunning > 0 && healthyElsewhere === 0 && survivingHere === 0,
      onlyCopy: killedRunning > 0 && elsewhere.length === 0,
    });
  }
  return out.sort((a, b) => (a.app < b.app ? -1 : a.app > b.app ? 1 : 0));
}
