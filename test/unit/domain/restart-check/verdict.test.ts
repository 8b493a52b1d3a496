import { describe, expect, it } from 'vitest';
import {
  agentVerdict,
  effectiveDowntimeMs,
  parseDowntime,
  rebootVerdict,
  restartVerdict,
  type AgentRecoveryFacts,
  type TaskFacts,
} from '../../../../src/domain/restart-check/verdict.js';

const marathon = { id: 'fw-1', name: 'marathon', checkpoint: true, partitionAware: true };
const task = (over: Partial<TaskFacts> = {}): TaskFacts => ({
  task: 'postgres.instance-1._app.1',
  name: 'postgres',
  framework: marathon,
  seenBy: ['master', 'agent'],
  marathon: { app: '/postgres', resident: true },
  ...over,
});
const healthy: AgentRecoveryFacts = {
  unreadable: null,
  recover: { value: 'reconnect', location: null, remedy: null },
  recoveryTimeout: { ns: 86400e9, text: '1days', from: 'running agent' },
  executorReregistrationNs: 10e9,
  restartSecMs: 5000,
  startBlocker: null,
};
const ctx = { downtimeMs: 5000, windowSeconds: 300 };

describe('restartVerdict', () => {
  it('survives when checkpointed, reconnecting, within recovery_timeout and the window', () => {
    expect(restartVerdict(task(), healthy, ctx)).toMatchObject({ verdict: 'survives', remedy: null });
  });

  it('a framework without checkpointing loses its tasks, whatever the agent', () => {
    const r = restartVerdict(task({ framework: { id: 'fw-3', name: 'jenkins', checkpoint: false, partitionAware: false }, marathon: null }), healthy, ctx);
    expect(r.verdict).toBe('killed');
    expect(r.reasons[0]).toMatch(/jenkins .*without checkpointing/);
    expect(r.remedy).toMatch(/checkpoint=true/);
  });

  it('recover=cleanup and files that stop the agent from starting kill, with the remedy of the finding', () => {
    const cleanup = restartVerdict(task(), { ...healthy, recover: { value: 'cleanup', location: '/etc/a.env:3', remedy: 'delete line 3' } }, ctx);
    expect(cleanup).toMatchObject({ verdict: 'killed', remedy: 'delete line 3' });
    expect(cleanup.reasons[0]).toContain('recover=cleanup (/etc/a.env:3)');
    const blocked = restartVerdict(task(), { ...healthy, startBlocker: { reason: 'bad duration', location: '/x:1', remedy: 'fix /x:1' } }, ctx);
    expect(blocked.verdict).toBe('killed');
    expect(blocked.reasons[0]).toContain('will not start');
  });

  it('a downtime reaching recovery_timeout kills; below it does not', () => {
    const timeout = { ...healthy, recoveryTimeout: { ns: 600e9, text: '10mins', from: 'running agent' as const } };
    expect(restartVerdict(task(), timeout, { downtimeMs: 600_000, windowSeconds: 10_000 }).verdict).toBe('killed');
    expect(restartVerdict(task(), timeout, { downtimeMs: 599_000, windowSeconds: 10_000 }).verdict).toBe('survives');
  });

  it('past the re-registration window: partition-aware tasks are at risk, the others killed', () => {
    const late = { downtimeMs: 295_000, windowSeconds: 300 };
    expect(restartVerdict(task(), healthy, late).verdict).toBe('at-risk');
    const metronome = task({ framework: { id: 'fw-4', name: 'metronome', checkpoint: true, partitionAware: false }, marathon: null });
    const r = restartVerdict(metronome, healthy, late);
    expect(r.verdict).toBe('killed');
    expect(r.reasons[0]).toContain('not partition-aware');
  });

  it('unknowns are unknown, never "survives"', () => {
    expect(restartVerdict(task(), { ...healthy, unreadable: null, recoveryTimeout: null }, ctx).verdict).toBe('unknown');
    expect(restartVerdict(task(), healthy, { downtimeMs: 5000, windowSeconds: null }).verdict).toBe('unknown');
    expect(restartVerdict(task({ framework: { ...marathon, checkpoint: null } }), healthy, ctx).verdict).toBe('unknown');
    const unread = { ...healthy, unreadable: 'ssh: connection refused' };
    expect(restartVerdict(task(), unread, ctx)).toMatchObject({ verdict: 'unknown', reasons: [expect.stringContaining('connection refused')] });
  });
});

describe('rebootVerdict and agentVerdict', () => {
  it('a reboot kills everything; resident tasks wait for the agent, stateless ones move', () => {
    expect(rebootVerdict(task()).reasons[0]).toContain('relaunched only when this agent returns');
    expect(rebootVerdict(task({ marathon: { app: '/web', resident: false } })).reasons[0]).toContain('reschedules /web');
    expect(rebootVerdict(task({ marathon: null })).verdict).toBe('killed');
  });

  it('the agent takes its worst task; no tasks is nothing-running (or unknown when unread)', () => {
    const r = (verdict: 'survives' | 'at-risk' | 'killed' | 'unknown') => ({ verdict, reasons: [], remedy: null });
    expect(agentVerdict([r('survives'), r('at-risk')], false)).toBe('at-risk');
    expect(agentVerdict([r('unknown'), r('killed'), r('survives')], false)).toBe('killed');
    expect(agentVerdict([], false)).toBe('nothing-running');
    expect(agentVerdict([], true)).toBe('unknown');
  });
});

describe('downtime', () => {
  it('takes Mesos durations and systemd spans; never less than RestartSec', () => {
    expect(parseDowntime('30mins')).toEqual({ ms: 1_800_000 });
    expect(parseDowntime('90s')).toEqual({ ms: 90_000 });
    expect(parseDowntime('1h 30min')).toEqual({ ms: 5_400_000 });
    expect(parseDowntime('infinity')).toHaveProperty('problem');
    expect(parseDowntime('soon')).toHaveProperty('problem');
    expect(effectiveDowntimeMs(null, 360_000)).toBe(360_000);
    expect(effectiveDowntimeMs(1_000, 5_000)).toBe(5_000);
    expect(effectiveDowntimeMs(60_000, null)).toBe(60_000);
  });
});
