import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ClusterConfig } from '../config/types.js';

/** One HTTP exchange as HttpClient needs it; redirects, retries and deadlines are HttpClient's. */
export interface TransportRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface TransportResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as it arrives; destroy() when it is not read to the end. */
  body: AsyncIterable<Uint8Array> & { destroy(): void };
  text(): Promise<string>;
}

export interface Transport {
  request(r: TransportRequest): Promise<TransportResponse>;
  close(): Promise<void>;
}

export type TransportConfig = Pick<ClusterConfig, 'tls' | 'timeoutMs' | 'proxy'>;

export const DIAL_TIMEOUT_MS = 10_000;
/** Idle keep-alive connections are closed after this, before a server's usual 5 s closes them under us. */
export const KEEP_ALIVE_IDLE_MS = 4_000;

/** TLS trust for the cluster's HTTPS endpoints (the configured CA bundle, or none with --insecure). */
export function tlsOptions(config: TransportConfig): { rejectUnauthorized: boolean; ca?: string } {
  return {
    rejectUnauthorized: config.tls.verify,
    ...(config.tls.caPath === undefined ? {} : { ca: readFileSync(config.tls.caPath, 'utf8') }),
  };
}

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
