import { http, type RequestHandler } from 'msw';
import { json, text, type MockContext } from './handler-context.js';
import { machineDown, machineUp, renderSchedule, renderStatus, updateSchedule, type Outcome, type ParsedWindow } from './maintenance-ops.js';
import type { MockMachineId, MockUnavailability } from './types.js';

/**
 * The master's maintenance endpoints (mesos src/master/http.cpp): `/maintenance/schedule` (GET, POST),
 * `/machine/down`, `/machine/up` (POST), `/maintenance/status` (GET). Bodies are the JSON form of
 * maintenance.proto; errors are 400 in plain text, as libprocess's BadRequest; 405 names the methods.
 */

class ParseError extends Error {}

/** stout's JSON::parse<T>: a syntax error, or the wrong top-level type. */
function parseBody(body: string, want: 'object' | 'array'): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    const line = body.split('\n').findIndex((l) => l.trim() !== '') + 1 || 1;
    throw new ParseError(`syntax error at line ${line} near: ${body.trim().slice(0, 40)}`);
  }
  const isArray = Array.isArray(doc);
  const isObject = typeof doc === 'object' && doc !== null && !isArray;
  if ((want === 'array' && !isArray) || (want === 'object' && !isObject)) throw new ParseError('Unexpected JSON type parsed');
  return doc;
}

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v);

function wrongType(v: unknown, field: string): ParseError {
  return new ParseError(`Not expecting a JSON ${kindOf(v)} for field '${field}'`);
}

/** A protobuf message field: absent, or an object. */
function message(v: unknown, field: string): Record<string, unknown> | undefined {
  if (v === undefined) return undefined;
  if (kindOf(v) !== 'object') throw wrongType(v, field);
  return v as Record<string, unknown>;
}

function repeated(v: unknown, field: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw wrongType(v, field);
  return v;
}

function int64(v: unknown, field: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') {
    if (!/^-?\d+$/.test(v.trim())) throw new ParseError(`Failed to parse '${v}' as a JSON number for field '${field}'`);
    return Number(v);
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) throw wrongType(v, field);
  return v;
}

function machineId(v: unknown, field: string): MockMachineId {
  const m = message(v, field) ?? {};
  const id: MockMachineId = {};
  for (const key of ['hostname', 'ip'] as const) {
    const value = m[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw wrongType(value, key);
    id[key] = value;
  }
  return id;
}

/** protobuf::parse<Schedule>: missing required fields are reported all at once, by path. */
function parseSchedule(doc: Record<string, unknown>): ParsedWindow[] {
  const missing: string[] = [];
  const windows = repeated(doc.windows, 'windows').map((w, i): ParsedWindow => {
    const window = message(w, 'windows') ?? {};
    const at = `windows[${i}]`;
    const machine_ids = repeated(window.machine_ids, 'machine_ids').map((m) => machineId(m, 'machine_ids'));
    const u = message(window.unavailability, 'unavailability');
    if (!u) {
      missing.push(`${at}.unavailability`);
      return { machine_ids, unavailability: { start: { nanoseconds: 0 } } };
    }
    const start = message(u.start, 'start');
    const startNs = int64(start?.nanoseconds, 'nanoseconds');
    if (!start) missing.push(`${at}.unavailability.start`);
    else if (startNs === undefined) missing.push(`${at}.unavailability.start.nanoseconds`);
    const duration = message(u.duration, 'duration');
    const durationNs = int64(duration?.nanoseconds, 'nanoseconds');
    if (duration && durationNs === undefined) missing.push(`${at}.unavailability.duration.nanoseconds`);
    const unavailability: MockUnavailability = { start: { nanoseconds: startNs ?? 0 } };
    if (durationNs !== undefined) unavailability.duration = { nanoseconds: durationNs };
    return { machine_ids, unavailability };
  });
  if (missing.length > 0) throw new ParseError(`Missing required fields: ${missing.join(', ')}`);
  return windows;
}

const nowNs = () => Math.floor(Date.now() / 1000) * 1e9;

function answer(outcome: Outcome<unknown>): Response {
  // OK() without a body: libprocess sends an empty 200.
  return outcome.ok ? new Response(null, { status: 200 }) : text(outcome.message, 400);
}

async function scheduleRoute(ctx: MockContext, request: Request): Promise<Response> {
  if (request.method === 'GET') return json(renderSchedule(ctx.store.current()));
  let windows: ParsedWindow[];
  try {
    windows = parseSchedule(parseBody(await request.text(), 'object') as Record<string, unknown>);
  } catch (e) {
    if (e instanceof ParseError) return text(e.message, 400);
    throw e;
  }
  const outcome = ctx.store.mutate((state) => updateSchedule(state, windows, nowNs()), (o) => o.ok);
  return answer(outcome);
}

async function machinesRoute(ctx: MockContext, request: Request, verb: 'down' | 'up'): Promise<Response> {
  let ids: MockMachineId[];
  try {
    ids = (parseBody(await request.text(), 'array') as unknown[]).map((m) => {
      if (kindOf(m) !== 'object') throw new ParseError('Expecting a JSON object');
      return machineId(m, 'machine_ids');
    });
  } catch (e) {
    if (e instanceof ParseError) return text(e.message, 400);
    throw e;
  }
  if (verb === 'up') return answer(ctx.store.mutate((state) => machineUp(state, ids), (o) => o.ok));
  const outcome = ctx.store.mutate((state) => machineDown(state, ids), (o) => o.ok);
  if (outcome.ok) ctx.createVolumeDirs(outcome.value);
  return answer(outcome);
}

function methodNotAllowed(allowed: string[], method: string): Response {
  const body = `405 Method Not Allowed. Expecting one of { '${allowed.join("', '")}' }, but received '${method}'.`;
  const response = text(body, 405);
  response.headers.set('Allow', allowed.join(', '));
  return response;
}

export function maintenanceRoutes(ctx: MockContext): RequestHandler[] {
  const both = (path: string) => [`/mesos/${path}`, `/mesos/master/${path}`];
  const route = (path: string, allowed: string[], handle: (request: Request) => Promise<Response> | Response) =>
    both(path).map((p) =>
      http.all(p, ({ request }) => (allowed.includes(request.method) ? handle(request) : methodNotAllowed(allowed, request.method))),
    );
  return [
    ...route('maintenance/schedule', ['GET', 'POST'], (r) => scheduleRoute(ctx, r)),
    ...route('machine/down', ['POST'], (r) => machinesRoute(ctx, r, 'down')),
    ...route('machine/up', ['POST'], (r) => machinesRoute(ctx, r, 'up')),
    ...route('maintenance/status', ['GET'], () => json(renderStatus(ctx.store.current()))),
  ];
}
