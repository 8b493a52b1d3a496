import { http, type RequestHandler } from 'msw';
import { text, type MockContext } from './handler-context.js';
import { destroyVolumes, unreserveResources, type OperatorOutcome } from './operator-ops.js';

/**
 * The master's v1 operator API (`POST /api/v1`, under Admin Router's `/mesos`), for the two calls that
 * release reservations. Header and body checks follow master/http.cpp `Master::Http::api`; answers are
 * plain text like libprocess's. Other call types exist upstream but are not modelled here (501).
 */

interface CallBody {
  type?: unknown;
  destroy_volumes?: { agent_id?: { value?: unknown }; volumes?: unknown };
  unreserve_resources?: { agent_id?: { value?: unknown }; resources?: unknown };
}

async function operatorCall(ctx: MockContext, request: Request): Promise<Response> {
  const contentType = request.headers.get('content-type');
  if (contentType === null) return text("Expecting 'Content-Type' to be present", 400);
  // Compared as a whole string, exactly: `application/json; charset=utf-8` or `Application/JSON` are 415 too.
  if (contentType !== 'application/json' && contentType !== 'application/x-protobuf') {
    return text("Expecting 'Content-Type' of application/json or application/x-protobuf", 415);
  }
  // A protobuf-encoded Call is valid upstream but not decoded by the mock.
  if (contentType === 'application/x-protobuf') return new Response(null, { status: 501 });
  let call: CallBody;
  try {
    call = JSON.parse(await request.text()) as CallBody;
  } catch (e) {
    return text(`Failed to parse body into JSON: ${(e as Error).message}`, 400);
  }
  if (call === null || typeof call !== 'object') return text('Failed to convert JSON into Call protobuf: Expecting a JSON object', 400);

  let outcome: OperatorOutcome;
  if (call.type === 'DESTROY_VOLUMES' && call.destroy_volumes) {
    const { agent_id, volumes } = call.destroy_volumes;
    outcome = ctx.store.mutate((state) => destroyVolumes(state, agent_id?.value, volumes), (o) => o.ok);
  } else if (call.type === 'UNRESERVE_RESOURCES' && call.unreserve_resources) {
    const { agent_id, resources } = call.unreserve_resources;
    outcome = ctx.store.mutate((state) => unreserveResources(state, agent_id?.value, resources), (o) => o.ok);
  } else if (call.type === 'DESTROY_VOLUMES' || call.type === 'UNRESERVE_RESOURCES') {
    return text(`Failed to validate master::Call: Expecting '${String(call.type).toLowerCase()}' to be present`, 400);
  } else {
    return new Response(null, { status: 501 });
  }
  if (!outcome.ok) return text(outcome.message, outcome.status);
  // Mesos ≥ 1.0 deletes a destroyed volume's data on the agent; a MOUNT disk's root itself stays.
  ctx.destroyVolumeDirs(outcome.deletedData);
  return new Response(null, { status: 202 });
}

export function operatorApiRoutes(ctx: MockContext): RequestHandler[] {
  return ['/mesos/api/v1', '/mesos/master/api/v1'].map((path) =>
    http.all(path, ({ request }) => {
      if (request.method !== 'POST') return text(`Expecting one of { 'POST' }, but received '${request.method}'`, 405);
      return operatorCall(ctx, request);
    }),
  );
}
