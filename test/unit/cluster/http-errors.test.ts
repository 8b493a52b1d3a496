import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../../src/cluster/connect.js';
import { mockClusterConfig } from '../../../src/config/resolve.js';
import { CliError, ExitCode } from '../../../src/core/errors.js';
import { closedLoopbackPort } from '../../helpers/cli.js';
import { captureLog, sendJson, sendText, startServer, type Handler, type TestServer } from '../../helpers/http-test-server.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.secret-token-value.c2lnbmF0dXJl';
const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

let server: TestServer | undefined;
let connection: Connection | undefined;
let logText: () => string = () => '';

afterEach(async () => {
  await connection?.close();
  await server?.close();
  connection = undefined;
  server = undefined;
});

async function clusterAt(handler: Handler, timeout = '5'): Promise<Connection> {
  server = await startServer(handler);
  const { log, text } = captureLog(2);
  logText = text;
  connection = await connect(mockClusterConfig(server.url, TOKEN, { timeout }), log, { retry: FAST_RETRY });
  return connection;
}

async function failure(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    const err = e as CliError;
    // Whatever went wrong, the token never reaches the operator's screen or logs.
    expect(`${err.message}\n${err.hint ?? ''}\n${logText()}`).not.toContain(TOKEN);
    expect(err.message).not.toContain('\n');
    return err;
  }
  throw new Error('expected the request to fail');
}

describe('connection problems', () => {
  it('a closed loopback port is "connection refused", naming Marathon and its URL', async () => {
    const port = await closedLoopbackPort();
    const { log } = captureLog();
    connection = await connect(mockClusterConfig(`http://127.0.0.1:${port}`, TOKEN, {}), log, { retry: FAST_RETRY });
    const err = await failure(connection.marathon.tasks());
    expect(err.message).toBe(`cannot reach Marathon at http://127.0.0.1:${port}/service/marathon: connection refused`);
    expect(err.kind).toBe('unreachable');
    expect(err.exitCode).toBe(ExitCode.UNREACHABLE);
    expect(err.hint).toContain('--url');
  });

  it('a server that never answers ends in a timeout error within the configured 1 s', async () => {
    const { marathon } = await clusterAt(() => undefined, '1');
    const started = Date.now();
    const err = await failure(marathon.tasks());
    expect(Date.now() - started).toBeLessThan(3000);
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`Marathon did not answer within 1s (GET ${server?.url}/service/marathon/v2/tasks)`);
    expect(err.hint).toContain('--timeout');
    // A timeout is not retried: three more waits would triple the hang.
    expect(server?.seen).toHaveLength(1);
  });

  it('a body that stalls half-way also times out', async () => {
    const { marathon } = await clusterAt((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"tasks":[');
    }, '1');
    const err = await failure(marathon.tasks());
    expect(err.kind).toBe('timeout');
  });

  it('an answer cut off mid-body says the connection closed early', async () => {
    const { marathon } = await clusterAt((_req, res, socket) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"tasks":[{"id":"a"', () => socket.destroy());
    });
    const err = await failure(marathon.tasks());
    expect(err.message).toMatch(/^Marathon closed the connection before the whole answer arrived \(GET http/);
    expect(err.kind).toBe('unreachable');
  });
});

describe('answers that are not usable JSON', () => {
  it('an HTML 502 from a proxy is named as such', async () => {
    const { marathon } = await clusterAt((_req, res) =>
      sendText(res, 502, '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>', 'text/html'),
    );
    const err = await failure(marathon.tasks());
    expect(err.message).toBe(`Marathon answered 502 with an HTML page instead of JSON (GET ${server?.url}/service/marathon/v2/tasks)`);
    expect(err.kind).toBe('unreachable');
  });

  it('an HTML page with 200 hints that the URL is wrong', async () => {
    const { marathon } = await clusterAt((_req, res) => sendText(res, 200, '<!DOCTYPE html><html><body>DC/OS UI</body></html>', 'text/html'));
    const err = await failure(marathon.info());
    expect(err.message).toMatch(/^Marathon answered with an HTML page instead of JSON \(is the URL right\?\)/);
  });

  it('truncated JSON with a complete body is reported as invalid JSON', async () => {
    const { marathon } = await clusterAt((_req, res) => sendText(res, 200, '{"tasks":[{"id":"postgres.1"', 'application/json'));
    const err = await failure(marathon.tasks());
    expect(err.message).toMatch(/^Marathon answered invalid or truncated JSON \(.+\) \(GET /);
    expect(err.kind).toBe('remote');
  });

  it('plain text instead of JSON names the content type', async () => {
    const { mesos } = await clusterAt((_req, res) => sendText(res, 200, 'pong'));
    const err = await failure(mesos.masterFlags());
    expect(err.message).toMatch(/^Mesos master answered text\/plain instead of JSON/);
  });

  it('a schema mismatch names the field path', async () => {
    const { marathon } = await clusterAt((_req, res) =>
      sendJson(res, 200, { tasks: [{ id: 'a' }, { id: 'b', localVolumes: [{ containerPath: 'data', persistenceId: 7 }] }] }),
    );
    const err = await failure(marathon.tasks());
    expect(err.message).toContain('Marathon answered an unexpected document: tasks[1].localVolumes[0].persistenceId: expected string, got number');
  });

  it('a Mesos schema mismatch names the field path too', async () => {
    const { mesos } = await clusterAt((_req, res) => sendJson(res, 200, { slaves: [{ id: 'S1', hostname: 5 }] }));
    const err = await failure(mesos.slaves());
    expect(err.message).toMatch(/^Mesos master answered an unexpected document: slaves\[0\]\.hostname: expected string/);
  });
});

describe('HTTP error statuses with upstream bodies', () => {
  it('401 → token expired or missing, exit code for auth, with a login hint', async () => {
    const { marathon } = await clusterAt((_req, res) =>
      sendJson(res, 401, { message: 'Invalid username or password.' }, { 'www-authenticate': 'oauthjwt' }),
    );
    const err = await failure(marathon.tasks());
    expect(err.message).toBe('token expired or missing: Marathon answered 401: Invalid username or password.');
    expect(err.exitCode).toBe(ExitCode.AUTH);
    expect(err.hint).toMatch(/dcos auth login/);
  });

  it('403 → not authorized', async () => {
    const { marathon } = await clusterAt((_req, res) => sendJson(res, 403, { message: 'Not Authorized to perform this action!' }));
    const err = await failure(marathon.killTask('/postgres', 'postgres.1', { wipe: true }));
    expect(err.message).toMatch(/^not authorized: Marathon answered 403: Not Authorized to perform this action! \(DELETE /);
    expect(err.kind).toBe('auth');
  });

  it('404 → not-found with the upstream message', async () => {
    const { marathon } = await clusterAt((_req, res) => sendJson(res, 404, { message: "App '/nope' does not exist" }));
    const err = await failure(marathon.app('/nope'));
    expect(err.message).toBe("no such app/task: App '/nope' does not exist");
    expect(err.exitCode).toBe(ExitCode.NOT_FOUND);
  });

  it('409 → app locked by a deployment, listing the deployment ids', async () => {
    const { marathon } = await clusterAt((_req, res) =>
      sendJson(res, 409, {
        message: "App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/97c136bf'.",
        deployments: [{ id: '97c136bf-5a28-4821-9d94-480d9fbb01c8' }],
      }),
    );
    const err = await failure(marathon.killTask('/postgres', 'postgres.1', { scale: true }));
    expect(err.message).toMatch(/^app is locked by a deployment \(deployment 97c136bf-5a28-4821-9d94-480d9fbb01c8\): App is locked/);
  });

  it('503 "Could not determine the current leader" (servlet error page) → no Marathon leader', async () => {
    const jetty =
      '<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>\n<title>Error 503 </title>\n</head>\n' +
      '<body>\n<h2>HTTP ERROR: 503</h2>\n<p>Problem accessing /v2/tasks. Reason:\n<pre>    Could not determine the current leader</pre></p>\n</body>\n</html>';
    const { marathon } = await clusterAt((_req, res) => sendText(res, 503, jetty, 'text/html'));
    const err = await failure(marathon.tasks());
    expect(err.message).toBe('no Marathon leader: Marathon answered 503 "Could not determine the current leader"');
    expect(err.kind).toBe('unreachable');
  });

  it('503 with a Marathon JSON message keeps the message', async () => {
    const { marathon } = await clusterAt((_req, res) => sendJson(res, 503, { message: 'Request timed out' }));
    const err = await failure(marathon.info());
    expect(err.message).toMatch(/^Marathon answered 503: Request timed out \(GET /);
  });

  it('a Mesos agent still recovering (503 text/plain) names the agent', async () => {
    const { mesos } = await clusterAt((_req, res) => sendText(res, 503, 'Agent has not finished recovery'));
    const err = await failure(mesos.agentState('d935ca7e-e29d-4503-94e7-25fe9f16847c-S1'));
    expect(err.message).toMatch(/^agent d935ca7e-e29d-4503-94e7-25fe9f16847c-S1 answered 503: Agent has not finished recovery \(GET /);
  });

  it('422 validation errors show the details', async () => {
    const { marathon } = await clusterAt((_req, res) =>
      sendJson(res, 422, {
        message: 'Object is not valid',
        details: [{ path: '/upgradeStrategy/maximumOverCapacity', errors: ['got 1.0, expected 0.0'] }],
      }),
    );
    const err = await failure(marathon.killTasks(['postgres.1'], { wipe: true }));
    expect(err.message).toMatch(
      /^Marathon rejected the request: Object is not valid \(\/upgradeStrategy\/maximumOverCapacity got 1\.0, expected 0\.0\) \(POST /,
    );
  });

  it('an upstream message that echoes the token is scrubbed', async () => {
    const { marathon } = await clusterAt((req, res) => sendJson(res, 500, { message: `bad header ${String(req.headers.authorization)}` }));
    const err = await failure(marathon.info());
    expect(err.message).toContain('bad header token=***');
  });
});
