import { describe, expect, it } from 'vitest';
import { getResponse, http, HttpResponse, type RequestHandler } from 'msw';
import { handlerIndex } from '../../../src/mock/http-adapter.js';

/** Each handler answers its own name, or passes (undefined) when its predicate says so. */
const named = (name: string, make: (resolver: () => Response | undefined) => RequestHandler, pass = false) =>
  make(() => (pass ? undefined : HttpResponse.text(name)));

const handlers: RequestHandler[] = [
  named('gate', (r) => http.all('*', r), true),
  named('apps', (r) => http.get('/marathon/v2/apps', r)),
  named('app', (r) => http.get('/marathon/v2/apps/*', r)),
  named('deployment', (r) => http.delete('/marathon/v2/deployments/:id', r)),
  named('post-apps', (r) => http.post('/marathon/v2/apps', r)),
  named('flags', (r) => http.get('/mesos/master/flags', r)),
  named('agent', (r) => http.get('/slave/*', r)),
  named('regexp', (r) => http.get(/\/metrics\/[a-z]+$/, r)),
  named('mesos-any', (r) => http.all('/mesos/*', r)),
  named('not-found', (r) => http.all('*', r)),
];

async function winner(list: readonly RequestHandler[], method: string, path: string): Promise<string> {
  const request = new Request(`http://127.0.0.1:5050${path}`, { method });
  const response = await getResponse([...list], request, { baseUrl: 'http://127.0.0.1:5050' });
  return response ? response.text() : 'none';
}

describe('the mock HTTP adapter’s handler index', () => {
  const candidates = handlerIndex(handlers);
  const requests: [string, string][] = [
    ['GET', '/marathon/v2/apps'],
    ['GET', '/marathon/v2/apps/'],
    ['GET', '/Marathon/V2/Apps'],
    ['GET', '/marathon/v2/apps/postgres/tasks'],
    ['POST', '/marathon/v2/apps'],
    ['PUT', '/marathon/v2/apps'],
    ['DELETE', '/marathon/v2/deployments/97c136bf'],
    ['DELETE', '/marathon/v2/deployments'],
    ['GET', '/mesos/master/flags'],
    ['GET', '/mesos/master/flags/'],
    ['POST', '/mesos/master/flags'],
    ['GET', '/slave/S1/flags'],
    ['GET', '/slave'],
    ['GET', '/metrics/snapshot'],
    ['GET', '/nowhere'],
    ['GET', '/marathon/v2/app%20s'],
  ];

  it('lets the same handler answer as msw would with every handler, for every request', async () => {
    for (const [method, path] of requests) {
      expect(`${method} ${path} → ${await winner(candidates(method, new URL(path, 'http://x').pathname), method, path)}`).toBe(
        `${method} ${path} → ${await winner(handlers, method, path)}`,
      );
    }
  });

  it('tries far fewer handlers than there are', () => {
    expect(candidates('GET', '/slave/S1/flags').length).toBe(4); // the two catch-alls, the RegExp, the agent route
    expect(candidates('GET', '/metrics/snapshot').length).toBe(3);
  });
});
