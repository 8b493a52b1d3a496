import type { ClusterClients } from './clients.js';
import type { ClusterConfig } from '../config/types.js';
import type { Logger } from '../core/log.js';
import { authorizationSource } from './auth.js';
import { HttpClient, type RetryPolicy } from './http.js';
import { packageVersion } from '../core/version.js';
import { HttpMarathon } from './marathon.js';
import { HttpMesos, type AgentEndpointRoute } from './mesos.js';

/** The clients of one run, and the HTTP client they share to close at the end. */
export interface Connection extends ClusterClients {
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Tests shorten the backoff; the CLI uses the default. */
  retry?: RetryPolicy;
}

/** One HTTP client for the run, shared by the Marathon and Mesos clients. No request is sent here. */
export async function connect(config: ClusterConfig, log: Logger, options: ConnectOptions = {}): Promise<Connection> {
  warnIfInsecure(config, log);
  const http = new HttpClient(config, log, `stateful-ops/${packageVersion()} node/${process.versions.node}`, options.retry);
  try {
    const auth = authorizationSource(config.auth, http, config.dcosUrl);
    const origins = [config.dcosUrl, config.marathonUrl, config.mesosUrl].filter((u): u is string => u !== undefined);
    if (auth) http.useAuthorization(auth, origins);
    const access: AgentEndpointRoute =
      config.agentAccess === 'admin-router' && config.dcosUrl !== undefined
        ? { kind: 'admin-router', dcosUrl: config.dcosUrl }
        : { kind: 'direct', scheme: new URL(config.mesosUrl).protocol === 'https:' ? 'https:' : 'http:' };
    log.verbose(`auth: ${describeAuth(config)}; timeout ${config.timeoutMs / 1000}s; agents via ${access.kind}`, 2);
    return {
      config,
      marathon: new HttpMarathon(http, config.marathonUrl),
      mesos: new HttpMesos(http, config.mesosUrl, access),
      dcosMetadata: async () => {
        const base = config.dcosUrl;
        if (base === undefined) return undefined;
        const doc = await http.request<unknown>('GET', `${base}/metadata`, { service: { name: 'DC/OS', baseUrl: base } });
        return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
      },
      close: () => http.close(),
    };
  } catch (e) {
    await http.close();
    throw e;
  }
}

/** Loud, once per run (connect runs once): only where TLS is actually in play, or when --insecure was asked for. */
function warnIfInsecure(config: ClusterConfig, log: Logger): void {
  if (config.tls.verify) return;
  const urls = [config.dcosUrl, config.marathonUrl, config.mesosUrl];
  const usesTls = urls.some((u) => u?.startsWith('https:'));
  if (!usesTls && config.tls.source !== 'flag') return;
  log.warn(
    'TLS certificate verification is DISABLED (--insecure / ssl_verify=false): anyone on the network path can ' +
      'impersonate the cluster and capture your token. Use --ca-bundle <file> instead.',
  );
}

function describeAuth(config: ClusterConfig): string {
  const { auth } = config;
  if (auth.kind === 'none') return 'none';
  if (auth.kind === 'token') return `token from ${auth.source}`;
  return `service account '${auth.uid}' from ${auth.source}`;
}
