import { describe, expect, it } from 'vitest';
import { FaultSpecError, parseFaults, planFaults, requestScope } from '../../../src/mock/faults.js';

describe('fault specs', () => {
  it('parses scoped rules separated by ";" with comma-separated keys', () => {
    expect(parseFaults('marathon:status=503,rate=0.5; agent:latency=200;drop=1')).toEqual([
      { scope: 'marathon', rate: 0.5, status: 503 },
      { scope: 'agent', rate: 1, latencyMs: 200 },
      { scope: 'all', rate: 1, drop: 1 },
    ]);
    expect(parseFaults('acs:hang=1')).toEqual([{ scope: 'acs', rate: 1, hang: true }]);
    expect(parseFaults('mesos:slow-body=50,truncate=1,html=1')).toEqual([
      { scope: 'mesos', rate: 1, slowBodyMs: 50, truncate: true, html: true },
    ]);
    expect(parseFaults(undefined)).toEqual([]);
    expect(parseFaults(' ; ')).toEqual([]);
  });

  it('rejects unknown scopes and keys, bad values and rules without an effect, naming the culprit', () => {
    const bad: [string, RegExp][] = [
      ['zookeeper:status=500', /unknown fault scope 'zookeeper'/],
      ['marathon:explode=1', /unknown fault key 'explode'/],
      ['status=42', /status=42/],
      ['rate=1.5,status=500', /rate=1.5/],
      ['latency=-1', /latency=-1/],
      ['hang=yes', /hang=yes/],
      ['marathon:rate=0.5', /has no effect/],
      ['status', /expected key=value/],
    ];
    for (const [spec, message] of bad) {
      expect(() => parseFaults(spec), spec).toThrow(FaultSpecError);
      expect(() => parseFaults(spec), spec).toThrow(message);
    }
  });
});

describe('fault plans', () => {
  const never = () => 0.999999;
  const always = () => 0;

  it('applies only rules of the request scope (or all), deterministically at rate 1', () => {
    const rules = parseFaults('marathon:status=503;mesos:latency=100;all:latency=5');
    expect(planFaults(rules, 'marathon', never)).toEqual({ latencyMs: 5, truncate: false, replace: { type: 'status', status: 503, html: false } });
    expect(planFaults(rules, 'mesos', never)).toEqual({ latencyMs: 105, truncate: false });
    expect(planFaults(rules, 'other', never)).toEqual({ latencyMs: 5, truncate: false });
  });

  it('rate and drop are probabilities', () => {
    const rules = parseFaults('status=500,rate=0.25;drop=0.5');
    expect(planFaults(rules, 'acs', always).replace).toEqual({ type: 'status', status: 500, html: false });
    expect(planFaults(rules, 'acs', never).replace).toBeUndefined();
    expect(planFaults(parseFaults('drop=0.5'), 'acs', () => 0.4).replace).toEqual({ type: 'drop' });
    expect(planFaults(parseFaults('drop=0.5'), 'acs', () => 0.6).replace).toBeUndefined();
  });

  it('html alone is a proxy 502 page; the first replacing rule wins; body changes combine', () => {
    expect(planFaults(parseFaults('html=1'), 'mesos').replace).toEqual({ type: 'status', status: 502, html: true });
    expect(planFaults(parseFaults('hang=1;status=500'), 'mesos').replace).toEqual({ type: 'hang' });
    expect(planFaults(parseFaults('slow-body=10;truncate=1'), 'mesos')).toEqual({ latencyMs: 0, slowBodyMs: 10, truncate: true });
  });

  it('maps Admin Router paths to scopes', () => {
    expect(requestScope('/service/marathon/v2/apps', false)).toBe('marathon');
    expect(requestScope('/mesos/slaves', false)).toBe('mesos');
    expect(requestScope('/agent/x-S1/flags', false)).toBe('agent');
    expect(requestScope('/slave/x-S1/state', false)).toBe('agent');
    expect(requestScope('/acs/api/v1/auth/login', false)).toBe('acs');
    expect(requestScope('/dcos-metadata/dcos-version.json', false)).toBe('other');
    expect(requestScope('/flags', true)).toBe('agent');
  });
});
