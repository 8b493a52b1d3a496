import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { ProxySettings } from '../config/types.js';
import { DIAL_TIMEOUT_MS, KEEP_ALIVE_IDLE_MS, tlsOptions, type Transport, type TransportConfig } from './transport-common.js';

/**
 * Through HTTP(S)_PROXY with NO_PROXY: undici's proxy agent (CONNECT tunnels for https://, absolute-form
 * requests for http://). Loaded only when a proxy is configured.
 */
export function createProxyTransport(config: TransportConfig, proxy: ProxySettings): Transport {
  const tls = tlsOptions(config);
  // Empty strings stop undici from falling back to process.env: the resolved config is the only source.
  const agent = new EnvHttpProxyAgent({
    connect: { ...tls, timeout: Math.min(DIAL_TIMEOUT_MS, config.timeoutMs) },
    headersTimeout: config.timeoutMs,
    bodyTimeout: config.timeoutMs,
    keepAliveTimeout: KEEP_ALIVE_IDLE_MS,
    requestTls: tls,
    httpProxy: proxy.httpProxy ?? '',
    httpsProxy: proxy.httpsProxy ?? proxy.httpProxy ?? '',
    noProxy: proxy.noProxy ?? '',
  });
  return {
    async request(r) {
      const res = await agent.request({
        origin: r.url.origin,
        path: `${r.url.pathname}${r.url.search}`,
        method: r.method as Dispatcher.HttpMethod,
        headers: r.headers,
        body: r.body ?? null,
        signal: r.signal,
      });
      return { statusCode: res.statusCode, headers: res.headers, body: res.body, text: () => res.body.text() };
    },
    close: () => agent.close(),
  };
}
