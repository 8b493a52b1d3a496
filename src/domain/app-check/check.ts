import { compareWithDeployed } from './deployed.js';
import { finding, severityAtLeast, SEVERITIES, type Finding, type Severity } from './findings.js';
import { checkAppDefinition, type CheckContext } from './rules.js';
import { ruleSetFor } from './version.js';

/** `apps check` as data: which rules were applied, what was found, and whether that fails the check. */
export interface AppCheckReport {
  app: string | null;
  /** Where the definition came from: a file, or the deployed app. */
  source: string;
  marathonVersion: string;
  versionSource: 'marathon /v2/info' | '--marathon-version';
  ruleSet: string;
  notes: string[];
  againstDeployed: boolean;
  findings: Finding[];
  summary: Record<Severity, number>;
  failOn: Severity;
  failed: boolean;
}

export interface AppCheckInput extends CheckContext {
  app: unknown;
  source: string;
  versionSource: AppCheckReport['versionSource'];
  /** undefined: no comparison asked; null: asked, but no app of that id is deployed. */
  deployed?: unknown;
  failOn: Severity;
}

export function checkApp(input: AppCheckInput): AppCheckReport {
  const id = (input.app as { id?: unknown } | null)?.id;
  const findings = checkAppDefinition(input.app, input);
  if (input.deployed === null) {
    findings.push(finding('deployed-absent', 'info', '/id', `no app ${typeof id === 'string' ? id : ''} is deployed: nothing to compare (a new app)`, 'Nothing to do.'));
  } else if (input.deployed !== undefined) {
    findings.push(...compareWithDeployed(input.app, input.deployed, input));
  }
  findings.sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
  const summary: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) summary[f.severity] += 1;
  const rules = ruleSetFor(input.version);
  return {
    app: typeof id === 'string' ? id : null,
    source: input.source,
    marathonVersion: input.version.text,
    versionSource: input.versionSource,
    ruleSet: rules.name,
    notes: rules.notes,
    againstDeployed: input.deployed !== undefined,
    findings,
    summary,
    failOn: input.failOn,
    failed: findings.some((f) => severityAtLeast(f.severity, input.failOn)),
  };
}
