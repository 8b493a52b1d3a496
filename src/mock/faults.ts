/**
 * Fault injection for the mock server, from `STATEFUL_OPS_MOCK_FAULTS` or `mock serve --fault`.
 *
 * Spec: rules separated by `;`, each `[scope:]key=value,...`; scope is marathon|mesos|agent|acs|all
 * (default all). Keys:
 *   latency=<ms>     wait before answering
 *   status=<code>    answer with this status and a JSON `{"message"}` body
 *   rate=<0..1>      fraction of matching requests the rule applies to (default 1)
 *   drop=<0..1>      fraction of requests whose socket is destroyed without an answer
 *   hang=1           never answer
 *   slow-body=<ms>   send the headers, then the body in 8 pieces with <ms> before each
 *   html=1           an HTML error page instead of JSON (a proxy's 502 unless status= says otherwise)
 *   truncate=1       cut the body in half
 *   method=<METHOD>  only requests with this HTTP method (e.g. DELETE: fail the expunge, not the reads)
 * Example: `marathon:status=503,rate=0.5;agent:latency=200`.
 */

export const FAULT_SCOPES = ['marathon', 'mesos', 'agent', 'acs', 'all'] as const;
export type FaultScope = (typeof FAULT_SCOPES)[number];
/** What a request is addressed to; `other` (metadata, unknown routes) is only matched by `all`. */
export type RequestScope = Exclude<FaultScope, 'all'> | 'other';

export interface FaultRule {
  scope: FaultScope;
  rate: number;
  latencyMs?: number;
  status?: number;
  drop?: number;
  hang?: boolean;
  slowBodyMs?: number;
  html?: boolean;
  truncate?: boolean;
  method?: string;
}

export class FaultSpecError extends Error {}

function number(key: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new FaultSpecError(`fault ${key}=${value}: expected a number between ${min} and ${max}`);
  }
  return n;
}

function flag(key: string, value: string): boolean {
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new FaultSpecError(`fault ${key}=${value}: expected 1 or 0`);
}

export function parseFaultRule(text: string): FaultRule {
  let body = text.trim();
  let scope: FaultScope = 'all';
  const colon = body.indexOf(':');
  if (colon >= 0 && !body.slice(0, colon).includes('=')) {
    const name = body.slice(0, colon).trim();
    if (!(FAULT_SCOPES as readonly string[]).includes(name)) {
      throw new FaultSpecError(`unknown fault scope '${name}' (expected one of ${FAULT_SCOPES.join(', ')})`);
    }
    scope = name as FaultScope;
    body = body.slice(colon + 1);
  }
  const rule: FaultRule = { scope, rate: 1 };
  for (const part of body.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) throw new FaultSpecError(`fault '${part.trim()}': expected key=value`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    switch (key) {
      case 'latency': rule.latencyMs = number(key, value, 0, 3_600_000); break;
      case 'status': rule.status = Math.trunc(number(key, value, 100, 599)); break;
      case 'rate': rule.rate = number(key, value, 0, 1); break;
      case 'drop': rule.drop = number(key, value, 0, 1); break;
      case 'hang': rule.hang = flag(key, value); break;
      case 'slow-body': rule.slowBodyMs = number(key, value, 0, 3_600_000); break;
      case 'html': rule.html = flag(key, value); break;
      case 'truncate': rule.truncate = flag(key, value); break;
      case 'method': rule.method = value.toUpperCase(); break;
      default:
        throw new FaultSpecError(`unknown fault key '${key}' (expected latency, status, rate, drop, hang, slow-body, html, truncate, method)`);
    }
  }
  const effects = ['latencyMs', 'status', 'drop', 'hang', 'slowBodyMs', 'html', 'truncate'] as const;
  if (!effects.some((k) => rule[k] !== undefined && rule[k] !== false)) {
    throw new FaultSpecError(`fault rule '${text.trim()}' has no effect`);
  }
  return rule;
}

export function parseFaults(spec: string | undefined): FaultRule[] {
  if (!spec) return [];
  return spec
    .split(';')
    .filter((s) => s.trim() !== '')
    .map(parseFaultRule);
}

/** Which scope an Admin Router path belongs to; direct agent listeners are always `agent`. */
export function requestScope(pathname: string, direct: boolean): RequestScope {
  if (direct) return 'agent';
  if (pathname.startsWith('/service/marathon/') || pathname === '/service/marathon') return 'marathon';
  if (pathname.startsWith('/mesos/') || pathname === '/mesos') return 'mesos';
  if (/^\/(agent|slave)\//.test(pathname)) return 'agent';
  if (pathname.startsWith('/acs/')) return 'acs';
  return 'other';
}

export interface FaultPlan {
  latencyMs: number;
  /** Replace the answer entirely. */
  replace?: { type: 'drop' } | { type: 'hang' } | { type: 'status'; status: number; html: boolean };
  slowBodyMs?: number;
  truncate: boolean;
}

/** Decide, for one request, which rules fire. With rate=1 everything is deterministic. */
export function planFaults(
  rules: FaultRule[],
  scope: RequestScope,
  random: () => number = Math.random,
  method = 'GET',
): FaultPlan {
  const plan: FaultPlan = { latencyMs: 0, truncate: false };
  for (const rule of rules) {
    if (rule.scope !== 'all' && rule.scope !== scope) continue;
    if (rule.method !== undefined && rule.method !== method) continue;
    if (rule.drop !== undefined && !plan.replace && random() < rule.drop) plan.replace = { type: 'drop' };
    if (!(random() < rule.rate)) continue;
    plan.latencyMs += rule.latencyMs ?? 0;
    if (!plan.replace && rule.hang) plan.replace = { type: 'hang' };
    if (!plan.replace && (rule.status !== undefined || rule.html)) {
      plan.replace = { type: 'status', status: rule.status ?? 502, html: rule.html ?? false };
    }
    if (rule.slowBodyMs !== undefined) plan.slowBodyMs = rule.slowBodyMs;
    if (rule.truncate) plan.truncate = true;
  }
  return plan;
}
