import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '../../src/mock/faults.js';
import { resetMock } from '../../src/mock/scenario.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { tempDir } from '../helpers/cli.js';

const TASKS = '/service/marathon/v2/apps/postgres/tasks';
const { dir, cleanup } = tempDir('stateful-ops-mock-faults-');
beforeAll(() => {
  resetMock({ stateDir: dir, scenario: 'default', flavour: '1.10', requireAuth: false });
});
afterAll(cleanup);

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serveWith(spec: string): Promise<string> {
  server = await startMockServer({ stateDir: dir, faults: parseFaults(spec), log: () => undefined });
  return server.url;
}

describe('fault injection', () => {
  it('latency delays the answer of the matching scope only', async () => {
    // A wide margin: the suite runs files in parallel on two cores.
    const url = await serveWith('marathon:latency=1500');
    let started = performance.now();
    expect((await fetch(`${url}${TASKS}`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1490);
    started = performance.now();
    expect((await fetch(`${url}/mesos/flags`)).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('status answers with that code and a JSON message', async () => {
    const url = await serveWith('mesos:status=503');
    const res = await fetch(`${url}/mesos/slaves`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ message: 'injected fault: HTTP 503 Service Unavailable' });
    expect((await fetch(`${url}${TASKS}`)).status).toBe(200);
  });

  it('rate=0 never fires', async () => {
    const url = await serveWith('status=500,rate=0');
    expect((await fetch(`${url}${TASKS}`)).status).toBe(200);
  });

  it('drop destroys the connection without an answer', async () => {
    const url = await serveWith('agent:drop=1');
    await expect(fetch(`${url}/agent/d935ca7e-e29d-4503-94e7-25fe9f16847c-S0/flags`)).rejects.toThrow();
    expect((await fetch(`${url}/mesos/flags`)).status).toBe(200);
  });

  it('hang never answers (the client gives up), and does not block the server from closing', async () => {
    const url = await serveWith('acs:hang=1');
    const started = performance.now();
    await expect(
      fetch(`${url}/acs/api/v1/auth/login`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(400) }),
    ).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('slow-body sends the headers at once and dribbles the body', async () => {
    const url = await serveWith('marathon:slow-body=60');
    const started = performance.now();
    const res = await fetch(`${url}${TASKS}`);
    const headersAfter = performance.now() - started;
    const body = (await res.json()) as { tasks: unknown[] };
    const bodyAfter = performance.now() - started;
    expect(res.status).toBe(200);
    expect(body.tasks).toHaveLength(3);
    expect(headersAfter).toBeLessThan(400);
    expect(bodyAfter).toBeGreaterThanOrEqual(8 * 60 - 20);
  });

  it('html answers with a proxy error page instead of JSON', async () => {
    const url = await serveWith('marathon:html=1');
    const res = await fetch(`${url}${TASKS}`);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('<h1>502 Bad Gateway</h1>');
    const withStatus = await serveWithAnother('marathon:html=1,status=504');
    expect((await fetch(`${withStatus}${TASKS}`)).status).toBe(504);
  });

  it('truncate cuts the JSON body in half, so it no longer parses', async () => {
    const whole = await (await fetch(`${await serveWithAnother('')}${TASKS}`)).text();
    const url = await serveWith('marathon:truncate=1');
    const res = await fetch(`${url}${TASKS}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toBe(whole.slice(0, Math.floor(Buffer.byteLength(whole) / 2)));
    expect(() => JSON.parse(text)).toThrow();
  });
});

const others: MockServer[] = [];
afterAll(async () => {
  await Promise.all(others.map((s) => s.close()));
});

/** A second server in the same test (the first is closed by afterEach). */
async function serveWithAnother(spec: string): Promise<string> {
  const s = await startMockServer({ stateDir: dir, faults: parseFaults(spec), log: () => undefined });
  others.push(s);
  return s.url;
}
