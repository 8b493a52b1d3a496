import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../src/domain/recovery/rules.js';
import { sortFindings, summarize, summaryLine, unreachableReport, verdictOf, type AgentReport, type ClusterReport } from '../../../../src/domain/recovery/report.js';

/** `reason` tells findings apart in these tests; the rule does not matter to the report. */
const finding = (severity: Finding['severity'], reason: string = severity, rule: Finding['rule'] = 'drift'): Finding => ({ rule, setting: null, severity, location: null, reason, remedy: '' });
const agent = (findings: Finding[]): AgentReport => ({ ...unreachableReport({ agent: 'S1', host: '127.0.0.168', path: null }, ''), unreachable: null, verdict: verdictOf(findings), findings });
const cluster = (findings: Finding[]): ClusterReport => ({ reregistrationWindow: null, checkpoint: { marathon: true, framework: null }, findings, notes: [] });

describe('the verdict of one agent', () => {
  it('is its worst finding; notes alone leave it ok', () => {
    expect(verdictOf([])).toBe('ok');
    expect(verdictOf([finding('info')])).toBe('ok');
    expect(verdictOf([finding('info'), finding('warning')])).toBe('warning');
    expect(verdictOf([finding('warning'), finding('error')])).toBe('error');
  });

  it('an agent that could not be read says why and carries no findings', () => {
    expect(unreachableReport({ agent: 'S5', host: '127.0.0.172', path: null }, 'ssh: connection refused')).toMatchObject({
      agent: 'S5',
      verdict: 'unreachable',
      unreachable: 'ssh: connection refused',
      settings: null,
      findings: [],
    });
  });

  it('lists errors first, then warnings, then notes, in the order found within each', () => {
    const found = [finding('info', 'i1'), finding('warning', 'w1'), finding('error', 'e1'), finding('warning', 'w2'), finding('error', 'e2')];
    expect(sortFindings(found).map((f) => f.reason)).toEqual(['e1', 'e2', 'w1', 'w2', 'i1']);
  });
});

describe('the summary of a check', () => {
  it('--fail-on warning fails on a warning; --fail-on error does not', () => {
    const agents = [agent([finding('warning')]), agent([])];
    expect(summarize(agents, null, 'error')).toEqual({ agents: 2, ok: 1, warning: 1, error: 0, unreachable: 0, clusterFindings: 0, failOn: 'error', failed: false });
    expect(summarize(agents, null, 'warning').failed).toBe(true);
  });

  it("the cluster's own findings count toward failing and are named in the line", () => {
    const s = summarize([agent([])], cluster([finding('error', 'Marathon does not checkpoint', 'checkpoint-off')]), 'error');
    expect(s).toMatchObject({ ok: 1, clusterFindings: 1, failed: true });
    expect(summaryLine(s)).toBe('1 agent: 1 ok, 0 warning, 0 error, 0 unreachable; 1 cluster finding');
    expect(summaryLine(summarize([], cluster([finding('info'), finding('info')]), 'error'))).toBe('0 agents: 0 ok, 0 warning, 0 error, 0 unreachable; 2 cluster findings');
  });

  it('offline, the files checked are paths', () => {
    expect(summaryLine(summarize([agent([]), agent([])], null, 'error'), 'path')).toBe('2 paths: 2 ok, 0 warning, 0 error, 0 unreachable');
  });
});
