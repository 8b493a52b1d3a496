import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { DIAL_TIMEOUT_MS, KEEP_ALIVE_IDLE_MS, tlsOptions, type Transport, type TransportConfig, type TransportRequest, type TransportResponse } from './transport-common.js';

export type { Transport, TransportConfig, TransportRequest, TransportResponse } from './transport-common.js';

/**
 * The transport of a run: Node's own HTTP client (native llhttp, ready at start-up) with keep-alive
 * agents. Only a configured proxy loads the undici-based one.
 */
export async function createTransport(config: TransportConfig): Promise<Transport> {
  if (config.proxy) return (await import('./transport-proxy.js')).createProxyTransport(config, config.proxy);
  return new NodeTransport(config);
}

class NodeTransport implements Transport {
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;
  private readonly dialTimeoutMs: number;

  constructor(config: TransportConfig) {
    const agentOptions = { keepAlive: true, timeout: KEEP_ALIVE_IDLE_MS, scheduling: 'lifo' as const };
    this.http = new HttpAgent(agentOptions);
    this.https = new HttpsAgent({ ...agentOptions, ...tlsOptions(config) });
    this.dialTimeoutMs = Math.min(DIAL_TIMEOUT_MS, config.timeoutMs);
  }

  /**
   * Never sent twice here: a server that read a POST and then dropped the connection may have acted on it.
   * Idle connections are closed on our side first (KEEP_ALIVE_IDLE_MS), so a reused one is rarely stale.
   */
  request(r: TransportRequest): Promise<TransportResponse> {
    const https = r.url.protocol === 'https:';
    const headers: Record<string, string> = { ...r.headers };
    if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(r.url, {
        method: r.method,
        headers,
        agent: https ? this.https : this.http,
        signal: r.signal,
      });
      let dialTimer: NodeJS.Timeout | undefined;
      req.once('socket', (socket) => {
        if (!socket.connecting) return;
        dialTimer = setTimeout(() => {
          req.destroy(Object.assign(new Error(`connect timed out after ${this.dialTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
        }, this.dialTimeoutMs);
        socket.once('connect', () => clearTimeout(dialTimer));
      });
      req.once('error', (e) => {
        clearTimeout(dialTimer);
        reject(e);
      });
      req.once('response', (res: IncomingMessage) => {
        clearTimeout(dialTimer);
        resolve({
          statusCode: res.statusCode ?? 0,
          headers: res.headers,
          body: res,
          text: () => readText(res),
        });
      });
      req.end(r.body);
    });
  }

  async close(): Promise<void> {
    this.http.destroy();
    this.https.destroy();
  }
}

async function readText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
