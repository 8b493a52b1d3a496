/** Where a resolved setting came from, for `--verbose` and error hints. */
export type ConfigSource = 'flag' | 'env' | 'dcos-toml' | 'mock' | 'default';

export type AuthConfig =
  | { kind: 'none' }
  | { kind: 'token'; token: string; source: ConfigSource }
  | {
      kind: 'service-account';
      uid: string;
      privateKeyPath: string;
      source: ConfigSource;
    };

export interface TlsConfig {
  /** false only with --insecure / DCOS_SSL_VERIFY=false / core.ssl_verify="false". */
  verify: boolean;
  /** PEM bundle to trust instead of the system roots. */
  caPath?: string;
  source: ConfigSource;
}

/** HTTP(S)_PROXY / NO_PROXY as found in the environment; absent when no proxy is configured. */
export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

export interface SshSettings {
  user?: string;
  proxyIp?: string;
  /** STATEFUL_OPS_SSH_SUDO=1 or `[stateful_ops] ssh_sudo = true`: remote scripts run through `sudo -n`. */
  sudo?: boolean;
}

/** Everything needed to reach one cluster, after flags > env > dcos.toml resolution. */
export interface ClusterConfig {
  /** The DC/OS URL when reaching the cluster through Admin Router; absent for plain Mesos+Marathon. */
  dcosUrl?: string;
  marathonUrl: string;
  mesosUrl: string;
  /**
   * How agent endpoints (/flags, /state) are reached: through Admin Router's /agent/<id>/,
   * or directly at the host:port from the agent's pid (plain Mesos).
   */
  agentAccess: 'admin-router' | 'direct';
  auth: AuthConfig;
  tls: TlsConfig;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  ssh: SshSettings;
  proxy?: ProxySettings;
  clusterName?: string;
  /** Human-readable origin of the URL, e.g. "--url", "DCOS_URL", "~/.dcos/clusters/<id>/dcos.toml". */
  origin: string;
}

export const DEFAULT_TIMEOUT_SECONDS = 180;
