import type { AppCheckReport } from '../domain/app-check/check.js';
import { renderFinding } from './findings.js';

/** `apps check`: what was checked against which rules, each finding, the counts. */

export function renderAppCheckReport(r: AppCheckReport): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const compared = r.apps.some((a) => a.againstDeployed) ? ', compared with the deployed app' : '';
  const what = r.apps.length === 1 && r.apps[0] ? `${r.apps[0].app ?? '(no id)'} (${r.apps[0].file})` : `${count(r.apps.length, 'app')} in ${count(new Set(r.apps.map((a) => a.file)).size, 'file')}`;
  const source = r.versionSource === 'newest rules (offline)' ? 'no cluster: the newest rules' : `from ${r.versionSource}`;
  const lines = [`${what}: Marathon ${r.marathonVersion} (${source}), rules of Marathon ${r.ruleSet}${compared}`];
  for (const note of r.notes) lines.push(`note: ${note}`);
  for (const f of r.findings) lines.push('', renderFinding({ ...f, who: f.app }));
  const { error, warning, info } = r.summary;
  lines.push('', r.findings.length === 0 ? 'No findings.' : `${count(error, 'error')}, ${count(warning, 'warning')}, ${info} info${r.failed ? ` — fails at --fail-on ${r.failOn}` : ''}`);
  return `${lines.join('\n')}\n`;
}
