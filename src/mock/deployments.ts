import { sequentialUuid } from './ids.js';
import type { MockDeployment, MockDeploymentAction, MockDeploymentActionName, MockState } from './types.js';

/**
 * Marathon's deployments in the mock: every app write makes a plan (DeploymentPlan.apply: stop removed apps,
 * start new ones with 0 instances, then scale/restart), listed by GET /v2/deployments while it runs. The mock
 * launches synchronously, so a write's deployment usually ends within the request; it stays listed while an
 * app still misses instances (no agent with room), and a test can hold one open with startDeployment.
 */

const DEPLOYMENT_NODE = '11ee-b000-0242ac13000f';

/** Launched = every task but the waiting (scaled-down) ones: what a scale step counts towards `instances`. */
export function launchedCount(state: MockState, appId: string): number {
  let n = 0;
  for (const t of state.tasks) if (t.appId === appId && t.kind !== 'waiting') n += 1;
  return n;
}

export function newDeploymentId(state: MockState): string {
  state.sequence += 1;
  return sequentialUuid(0xd0000000 + state.sequence, DEPLOYMENT_NODE);
}

/** A plan's steps, empty steps dropped (as DeploymentPlan.apply filters them). */
function stepsOf(actions: MockDeploymentAction[][]): MockDeploymentAction[][] {
  return actions.filter((step) => step.length > 0);
}

export function stepsOfDeployment(d: MockDeployment): MockDeploymentAction[][] {
  return d.steps ?? [d.affectedApps.map((app) => ({ action: 'ScaleApplication' as const, app }))];
}

/** Whether a `launched` deployment has reached its goal: each affected app is gone or has all its instances. */
export function isDeploymentDone(state: MockState, d: MockDeployment): boolean {
  if ((d.until ?? 'held') === 'held') return false;
  return d.affectedApps.every((id) => {
    const app = state.apps.find((a) => a.id === id);
    return app === undefined || launchedCount(state, id) >= app.instances;
  });
}

/** Drop the deployments that reached their goal. */
export function settleDeployments(state: MockState): void {
  state.deployments = state.deployments.filter((d) => !isDeploymentDone(state, d));
}

/**
 * The deployment of one app write, after the write has been applied. Listed until done (usually: at once);
 * returned either way, because the answer names it (`deploymentId`, header `Marathon-Deployment-Id`).
 */
export function recordDeployment(state: MockState, steps: MockDeploymentAction[][], original: Record<string, number>): MockDeployment {
  const planSteps = stepsOf(steps);
  const affectedApps = [...new Set(planSteps.flat().map((a) => a.app))];
  const deployment: MockDeployment = {
    id: newDeploymentId(state),
    version: new Date().toISOString(),
    affectedApps,
    steps: planSteps,
    currentStep: planSteps.length,
    until: 'launched',
    original,
  };
  if (!isDeploymentDone(state, deployment)) state.deployments.push(deployment);
  return deployment;
}

export interface StartDeploymentSpec {
  /** App ids (with leading slash) the deployment touches: they are locked (409 on scale without force). */
  affectedApps: string[];
  /** The action shown for each app (default ScaleApplication), in one step. */
  action?: MockDeploymentActionName;
  /** Or the whole plan; `affectedApps` is then still what is listed and locked. */
  steps?: MockDeploymentAction[][];
  /** 1-based step in progress (default 1). */
  currentStep?: number;
}

/**
 * For tests and mock triggers: put a deployment in progress that stays listed by GET /v2/deployments, named in
 * each affected app's `deployments` and locking those apps, until finishDeployment(state, id) or a client's
 * DELETE /v2/deployments/{id}. Call it inside MockStore.mutate; it changes nothing else (no task moves), so the
 * caller models what the deployment does. Returns the deployment (its `id` is what clients see).
 */
export function startDeployment(state: MockState, spec: StartDeploymentSpec): MockDeployment {
  const steps = stepsOf(spec.steps ?? [spec.affectedApps.map((app) => ({ action: spec.action ?? 'ScaleApplication', app }))]);
  const original: Record<string, number> = {};
  for (const id of spec.affectedApps) {
    const app = state.apps.find((a) => a.id === id);
    if (app) original[id] = app.instances;
  }
  const deployment: MockDeployment = {
    id: newDeploymentId(state),
    version: new Date().toISOString(),
    affectedApps: [...spec.affectedApps],
    steps,
    currentStep: Math.min(Math.max(1, spec.currentStep ?? 1), Math.max(1, steps.length)),
    until: 'held',
    original,
  };
  state.deployments.push(deployment);
  return deployment;
}

/** End a deployment as if its last step completed; false when no such deployment is in progress. */
export function finishDeployment(state: MockState, id: string): boolean {
  const before = state.deployments.length;
  state.deployments = state.deployments.filter((d) => d.id !== id);
  return state.deployments.length !== before;
}
