import { marathonVersion } from './render-marathon.js';
import type { MarathonFlavour, MockState } from './types.js';

export interface MockSummary {
  scenario: string;
  marathonVersion: string;
  flavour: MarathonFlavour;
  dcosVersion: string;
  leader: boolean;
  authRequired: boolean;
  apps: number;
  statefulApps: number;
  tasks: { running: number; waiting: number; onLostAgents: number };
  agents: { active: number; lost: number };
  reservations: number;
  deployments: number;
  sandboxData: boolean;
}

/** The counts `mock status` and `mock reset` report. Tasks on lost agents are counted apart, whatever their kind. */
export function summarize(state: MockState): MockSummary {
  const lost = new Set(state.agents.filter((a) => a.lost).map((a) => a.id));
  const tasks = { running: 0, waiting: 0, onLostAgents: 0 };
  for (const t of state.tasks) {
    if (lost.has(t.agentId)) tasks.onLostAgents += 1;
    else if (t.kind === 'running') tasks.running += 1;
    else if (t.kind === 'waiting') tasks.waiting += 1;
  }
  return {
    scenario: state.scenario,
    marathonVersion: marathonVersion(state.flavour),
    flavour: state.flavour,
    dcosVersion: state.dcosVersion,
    leader: state.leaderPresent,
    authRequired: state.auth.required,
    apps: state.apps.length,
    statefulApps: state.apps.filter((a) => a.volumes.length > 0).length,
    tasks,
    agents: { active: state.agents.length - lost.size, lost: lost.size },
    reservations: state.reservations.length,
    deployments: state.deployments.length,
    sandboxData: state.sandboxData,
  };
}

export function summaryLine(s: MockSummary): string {
  return (
    `mock cluster: Marathon ${s.marathonVersion}, ${s.apps} apps, ${s.tasks.running} running / ${s.tasks.waiting} waiting / ` +
    `${s.tasks.onLostAgents} on lost agents, ${s.agents.active} active agents + ${s.agents.lost} lost` +
    (s.authRequired ? ', authentication required' : '')
  );
}
