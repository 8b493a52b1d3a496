import { describe, expect, it } from 'vitest';
import {
  describeMachine,
  machineOfAgent,
  maintenanceMachines,
  modeOf,
  parseStart,
  sameMachine,
  transitionProblem,
  windowOf,
  withoutMachines,
  withWindow,
} from '../../../src/domain/maintenance.js';

const a = { hostname: 'node-a.example', ip: '10.0.0.1' };
const b = { hostname: 'node-b.example', ip: '10.0.0.2' };
const c = { hostname: 'node-c.example', ip: '10.0.0.3' };
const at = (s: number) => ({ start: { nanoseconds: s * 1e9 }, duration: { nanoseconds: 3600e9 } });

describe('machine ids', () => {
  it('match as Mesos matches them: hostname case-insensitive, both fields present or absent alike', () => {
    expect(sameMachine(a, { hostname: 'NODE-A.example', ip: '10.0.0.1' })).toBe(true);
    expect(sameMachine(a, { hostname: 'node-a.example' })).toBe(false);
    expect(sameMachine({ ip: '10.0.0.1' }, { hostname: '', ip: '10.0.0.1' })).toBe(false);
    expect(describeMachine(a)).toBe('node-a.example (10.0.0.1)');
  });

  it("come from the agent's hostname and the IP of its pid", () => {
    expect(machineOfAgent({ hostname: 'node-a.example', pid: 'slave(1)@10.0.0.1:5051' })).toEqual(a);
    expect(machineOfAgent({ hostname: 'node-a.example', pid: 'slave(1)@node-a.example:5051' })).toBeNull();
    expect(machineOfAgent({ hostname: 'node-a.example' })).toBeNull();
  });
});

describe('schedule edits start from the current schedule (the master replaces it whole)', () => {
  const current = { windows: [{ machine_ids: [a, b], unavailability: at(100) }, { machine_ids: [c], unavailability: at(200) }] };

  it('withWindow moves the machines into one new window and keeps every other window', () => {
    const next = withWindow(current, [b], 500, 7200);
    expect(next.windows).toEqual([
      { machine_ids: [a], unavailability: at(100) },
      { machine_ids: [c], unavailability: at(200) },
      { machine_ids: [b], unavailability: { start: { nanoseconds: 500e9 }, duration: { nanoseconds: 7200e9 } } },
    ]);
    expect(withWindow({}, [a], 1, null).windows?.[0]?.unavailability).toEqual({ start: { nanoseconds: 1e9 } });
  });

  it('withoutMachines drops windows left empty (Mesos refuses them)', () => {
    expect(withoutMachines(current, [c]).windows).toEqual([{ machine_ids: [a, b], unavailability: at(100) }]);
    expect(windowOf(current, { ...b, hostname: 'NODE-B.example' })?.unavailability).toEqual(at(100));
  });

  it('modes: DOWN from status, DRAINING when scheduled, else UP; machines listed once', () => {
    const status = { down_machines: [c], draining_machines: [{ id: a }] };
    expect([a, b, c, { hostname: 'x', ip: '10.0.0.9' }].map((m) => modeOf(status, current, m))).toEqual(['DRAINING', 'DRAINING', 'DOWN', 'UP']);
    expect(maintenanceMachines(current, status)).toEqual([a, b, c]);
  });

  it('transitions: down needs DRAINING, up needs DOWN; each refusal says what to do', () => {
    expect(transitionProblem('down', a, 'UP')).toMatch(/schedule` first/);
    expect(transitionProblem('down', a, 'DRAINING')).toBeNull();
    expect(transitionProblem('up', a, 'DOWN')).toBeNull();
    expect(transitionProblem('up', a, 'DRAINING')).toMatch(/--remove/);
    expect(transitionProblem('up', a, 'UP')).toMatch(/UP already/);
  });

  it('--start is now or an ISO time with a zone, in whole seconds', () => {
    expect(parseStart('now', 1_700_000_000_999)).toEqual({ seconds: 1_700_000_000 });
    expect(parseStart('2026-12-02T01:00:00Z', 0)).toEqual({ seconds: Date.UTC(2026, 11, 2, 1) / 1000 });
    expect(parseStart('2026-12-02 01:00', 0)).toHaveProperty('problem');
    expect(parseStart('tomorrow', 0)).toHaveProperty('problem');
  });
});
