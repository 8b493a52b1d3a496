import { http, type RequestHandler } from 'msw';
import type { MockContext } from './handler-context.js';
import { MARATHON_PREFIX, marathonPath, mjson } from './marathon-http.js';

/**
 * `GET /v2/pods/::status` (Marathon 1.4+; pods hold persistent volumes from 1.6). The mock clusters run
 * no pods, so the 1.4 and 1.10 flavours answer an empty list; 1.1 has no pods at all (URI not found).
 */
export function marathonPodRoutes(ctx: MockContext): RequestHandler[] {
  return [
    http.get(`${MARATHON_PREFIX}/v2/pods/*`, ({ request }) => {
      if (marathonPath(new URL(request.url)) !== '/v2/pods/::status') return undefined;
      return ctx.store.current().flavour === '1.1' ? undefined : mjson(ctx, []);
    }),
  ];
}
