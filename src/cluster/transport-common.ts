import { readFileSync } from 'node:fs';
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
