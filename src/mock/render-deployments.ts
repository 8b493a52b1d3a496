import { stepsOfDeployment } from './deployments.js';
import type { Json } from './render-marathon.js';
import type { MarathonFlavour, MockDeployment } from './types.js';

/**
 * GET /v2/deployments elements (DeploymentStepInfo): v1.1.1 and v1.4.13 `api/v2/json/Formats.scala`
 * (DeploymentStepInfoWrites), v1.10.26 `raml/DeploymentPlanConversion.scala`. 1.1.1 writes the plan's step
 * actions as `{"type","app"}` (1.1.2+ say `action`) and has no `affectedPods`; currentActions always say `action`.
 * The mock runs no readiness checks, so readinessCheckResults is always empty.
 */
export function renderDeployment(flavour: MarathonFlavour, d: MockDeployment): Json {
  const steps = stepsOfDeployment(d);
  const currentStep = d.currentStep ?? steps.length;
  const current = steps[currentStep - 1] ?? [];
  const stepKey = flavour === '1.1' ? 'type' : 'action';
  const out: Json = { id: d.id, version: d.version, affectedApps: d.affectedApps };
  if (flavour !== '1.1') out.affectedPods = [];
  out.steps = steps.map((step) => ({ actions: step.map((a) => ({ [stepKey]: a.action, app: a.app })) }));
  out.currentActions = current.map((a) => ({ action: a.action, app: a.app, readinessCheckResults: [] }));
  out.currentStep = currentStep;
  out.totalSteps = steps.length;
  return out;
}
