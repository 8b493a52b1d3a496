import { compareWithDeployed } from './deployed.js';
import { finding, jsonPath, severityAtLeast, SEVERITIES, type AppFinding, type RuleFinding, type Severity } from './findings.js';
import { checkAppDefinition, type CheckContext } from './rules.js';
import { ruleSetFor } from './version.js';

/** `apps check` as data: which rules were applied, to which apps, what was found, and whether that fails the check. */
export interface AppCheckReport {
  marathonVersion: string;
  /** `newest rules (offline)`: no cluster and no --marathon-version. */
  versionSource: 'marathon /v2/info' | '--marathon-version' | 'newest rules (offline)';
  ruleSet: string;
  notes: string[];
  /** Every app checked, in the order given: file (or `deployed app`), JSON path, resolved id. */
  apps: { app: string | null; file: string; path: string; againstDeployed: boolean }[];
  findings: AppFinding[];
  summary: Record<Severity, number>;
  failOn: Severity;
  failed: boolean;
}

export interface AppCheckTarget {
  app: unknown;
  /** As Marathon resolves it (relative to its group); null when the app has none. */
  id: string | null;
  file: string;
  /** JSON path of the app in its file: `$`, `$.apps[1]`, … */
  path: string;
  /** undefined: no comparison asked; null: asked, but no app of that id is deployed. */
  deployed?: unknown;
}

export interface AppCheckInput extends CheckContext {
  targets: AppCheckTarget[];
  versionSource: AppCheckReport['versionSource'];
  failOn: Severity;
}

export function checkApps(input: AppCheckInput): AppCheckReport {
  const findings = input.targets.flatMap((t) => checkOne(t, input));
  const summary: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) summary[f.severity] += 1;
  const rules = ruleSetFor(input.version);
  return {
    marathonVersion: input.version.text,
    versionSource: input.versionSource,
    ruleSet: rules.name,
    notes: rules.notes,
    apps: input.targets.map((t) => ({ app: t.id, file: t.file, path: t.path, againstDeployed: t.deployed !== undefined })),
    findings,
    summary,
    failOn: input.failOn,
    failed: findings.some((f) => severityAtLeast(f.severity, input.failOn)),
  };
}

function checkOne(t: AppCheckTarget, ctx: CheckContext): AppFinding[] {
  const found: RuleFinding[] = checkAppDefinition(t.app, ctx);
  if (t.deployed === null) {
    found.push(finding('deployed-absent', 'info', '/id', `no app ${t.id ?? ''} is deployed: nothing to compare (a new app)`, 'Nothing to do.'));
  } else if (t.deployed !== undefined) {
    found.push(...compareWithDeployed(t.app, t.deployed, ctx));
  }
  found.sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
  return found.map(({ pointer, ...f }) => {
    const path = jsonPath(t.path, pointer);
    return { ...f, location: `${t.file} ${path}`, app: t.id, file: t.file, path };
  });
}
