import { createServer, type Server } from 'node:http';
import type { RequestHandler } from 'msw';
import type { FaultRule } from './faults.js';
import type { MockContext } from './handler-context.js';
import { createRequestListener, type ListenerInfo } from './http-adapter.js';
import { acsRoutes, adminRouterNotFound, authGate } from './routes-acs.js';
import { leaderGate, marathonNotFound, marathonReadRoutes } from './routes-marathon-read.js';
import { marathonWriteRoutes } from './routes-marathon-write.js';
import { marathonPodRoutes } from './routes-marathon-pods.js';
import { directAgentRoutes, mesosRoutes } from './routes-mesos.js';
import { operatorApiRoutes } from './routes-operator.js';
import { maintenanceRoutes } from './routes-maintenance.js';
import { createVolumeDir, deleteVolumeData } from './sandbox.js';
import { MockStore } from './store.js';
import type { MockState } from './types.js';
import { isLoopbackAddress } from './loopback.js';

export interface MockServerOptions {
  stateDir: string;
  /** 0 or absent: an ephemeral port. */
  port?: number;
  /** Must be in 127.0.0.0/8. Default 127.0.0.1. */
  host?: string;
  faults?: FaultRule[];
  /** Answer on each live agent's own address (plain-Mesos access) only up to this many agents. Default: always. */
  directAgentLimit?: number;
  /** Where to report internal errors and agent listeners that could not bind. */
  log?: (message: string) => void;
}

export interface MockServer {
  url: string;
  host: string;
  port: number;
  stateDir: string;
  store: MockStore;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Hanging requests (fault hang=1) and keep-alive sockets must not hold the shutdown.
    server.closeAllConnections();
  });
}

/**
 * The mock DC/OS cluster over real HTTP: one server on `host:port` laid out like Admin Router, plus one
 * listener per live agent on the agent's own loopback address and the same port (plain-Mesos access).
 */
export async function startMockServer(o: MockServerOptions): Promise<MockServer> {
  const host = o.host ?? '127.0.0.1';
  if (!isLoopbackAddress(host)) throw new Error(`refusing to listen on ${host}: the mock only binds 127.0.0.0/8`);
  const log = o.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const store = new MockStore(o.stateDir);
  store.current();

  let port = 0;
  const listenerOf = new WeakMap<Request, ListenerInfo>();
  const ctx: MockContext = {
    store,
    port: () => port,
    listenerOf,
    createVolumeDirs(dirs) {
      for (const d of dirs) createVolumeDir(o.stateDir, d.agentId, d.hostPath);
    },
    destroyVolumeDirs(dirs) {
      for (const d of dirs) deleteVolumeData(o.stateDir, d.agentId, d.hostPath, d.keepRoot);
    },
  };
  const handlers: RequestHandler[] = [
    authGate(ctx),
    ...directAgentRoutes(ctx),
    leaderGate(ctx),
    ...marathonReadRoutes(ctx),
    ...marathonWriteRoutes(ctx),
    ...marathonPodRoutes(ctx),
    marathonNotFound(ctx),
    ...operatorApiRoutes(ctx),
    ...maintenanceRoutes(ctx),
    ...mesosRoutes(ctx),
    ...acsRoutes(ctx),
    adminRouterNotFound(),
  ];
  const adapter = { handlers, faults: () => o.faults ?? [], listenerOf, onError: log };

  const agentServers = new Map<string, Server>();
  let syncedState: MockState | undefined;
  const syncAgentListeners = async () => {
    const state = store.current();
    if (state === syncedState) return;
    syncedState = state;
    const listening = state.agents.length <= (o.directAgentLimit ?? Number.POSITIVE_INFINITY);
    const wanted = new Map(
      state.agents.filter((a) => listening && !a.lost && a.down !== true && isLoopbackAddress(a.hostname) && a.hostname !== host).map((a) => [a.id, a]),
    );
    for (const [id, server] of agentServers) {
      if (!wanted.has(id)) {
        agentServers.delete(id);
        await closeServer(server);
      }
    }
    await Promise.all(
      [...wanted.values()].filter((a) => !agentServers.has(a.id)).map(async (agent) => {
        const server = createServer(createRequestListener(adapter, { directAgentId: agent.id }));
        agentServers.set(agent.id, server);
        try {
          await listen(server, port, agent.hostname);
        } catch (e) {
          agentServers.delete(agent.id);
          log(`mock: agent ${agent.id} not reachable directly at ${agent.hostname}:${port} (${(e as Error).message})`);
        }
      }),
    );
  };

  const mainListener = createRequestListener(adapter, {});
  const main = createServer((req, res) => {
    // Another process may have reset the cluster: agents come and go with the state file. Synced first,
    // so once an answer reflects the new cluster its agents answer too.
    syncAgentListeners()
      .catch((e: unknown) => log(`mock: ${(e as Error).message}`))
      .finally(() => mainListener(req, res));
  });
  await listen(main, o.port ?? 0, host);
  const address = main.address();
  port = typeof address === 'object' && address ? address.port : 0;
  await syncAgentListeners();

  return {
    url: `http://${host}:${port}`,
    host,
    port,
    stateDir: o.stateDir,
    store,
    async close() {
      await Promise.all([main, ...agentServers.values()].map(closeServer));
      agentServers.clear();
    },
  };
}
