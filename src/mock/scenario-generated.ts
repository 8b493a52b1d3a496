import { nextUuid, sequentialUuid } from './ids.js';
import { addTask, emptyState, newAgent } from './scenario-builder.js';
import type { MarathonFlavour, MockAgent, MockApp, MockState } from './types.js';

export interface GeneratorOptions {
  apps: number;
  tasksPerApp: number;
  /** Fraction of tasks that are waiting (scaled down, reservation kept). */
  waitingRatio: number;
  /** Number of agents; default: about 100 tasks per agent. */
  agents?: number;
  /** How many of the agents are lost (removed from the master); their tasks are unreachable. */
  lostAgents?: number;
}

/** Above this many tasks the agent sandboxes get no volume data files: creating 50,000 directories is slow. */
export const SANDBOX_DATA_TASK_LIMIT = 2000;

const APPS_PER_GROUP = 50;

/** Agent `k` → a unique address in 127.1.0.0/16 (127.0.0.1 stays the server's own). */
export function generatedAgentHost(k: number): string {
  return `127.1.${Math.floor(k / 250)}.${(k % 250) + 1}`;
}

export function defaultAgentCount(totalTasks: number): number {
  return Math.min(2000, Math.max(3, Math.ceil(totalTasks / 100)));
}

/**
 * A synthetic cluster for benchmarks: every app resident (one `data` volume), tasks spread round-robin over
 * the agents, exactly `round(total × waitingRatio)` waiting tasks spread evenly. Deterministic: same options,
 * same cluster.
 */
export function generatedScenario(flavour: MarathonFlavour, o: GeneratorOptions): MockState {
  const state = emptyState('generated', flavour);
  const total = o.apps * o.tasksPerApp;
  const agentCount = o.agents ?? defaultAgentCount(total);
  const lostCount = Math.min(o.lostAgents ?? 0, agentCount);
  const baseTime = Date.parse('2021-06-01T00:00:00.000Z');
  const iso = (offsetMs: number) => new Date(baseTime + offsetMs).toISOString();

  const agents: MockAgent[] = [];
  for (let k = 0; k < agentCount; k++) {
    agents.push(
      newAgent({
        id: `5c1e0000-0000-4000-8000-000000000000-S${k}`,
        hostname: generatedAgentHost(k),
        registeredTime: baseTime / 1000 + k,
        // The last `lostCount` agents are the lost ones, so small runs keep agent S0 active.
        lost: k >= agentCount - lostCount,
      }),
    );
  }
  state.agents = agents;

  let uuidCounter = 0x10000000;
  let taskIndex = 0;
  for (let a = 0; a < o.apps; a++) {
    const group = `group-${String(Math.floor(a / APPS_PER_GROUP)).padStart(3, '0')}`;
    const app: MockApp = {
      id: `/bench/${group}/app-${String(a).padStart(5, '0')}`,
      instances: 0,
      cpus: 0.1,
      mem: 64,
      disk: 0,
      image: 'busybox:1.33',
      volumes: [{ containerPath: 'data', sizeMb: 128, type: 'root' }],
      upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
      servicePorts: [10000 + (a % 20000)],
      labels: {},
      version: iso(a * 1000),
    };
    state.apps.push(app);
    for (let t = 0; t < o.tasksPerApp; t++, taskIndex++) {
      const agent = agents[taskIndex % agentCount] as MockAgent;
      const waiting = Math.floor((taskIndex + 1) * o.waitingRatio) > Math.floor(taskIndex * o.waitingRatio);
      const kind = agent.lost ? 'unreachable' : waiting ? 'waiting' : 'running';
      if (kind !== 'waiting') app.instances += 1;
      const volumeUuid = sequentialUuid(uuidCounter);
      uuidCounter += 2;
      const staged = a * 1000 + t * 10 + 60_000;
      addTask(state, {
        app,
        agent,
        kind,
        uuid: nextUuid(volumeUuid),
        volumeUuids: [volumeUuid],
        incarnation: 1,
        stagedAt: iso(staged),
        startedAt: iso(staged + 4000),
        ports: kind === 'waiting' ? [] : [31000 + (taskIndex % 1000)],
        ipAddresses: [`127.2.${Math.floor(taskIndex / 250) % 250}.${(taskIndex % 250) + 1}`],
      });
    }
  }
  state.sequence = uuidCounter;
  state.sandboxData = total <= SANDBOX_DATA_TASK_LIMIT;
  return state;
}
