import type { ConnectionFlags } from './flags.js';
import { CliError, usageError } from '../core/errors.js';
import { resolveAuth } from './credentials.js';
import { findCurrentCluster, loadDcosToml, type DcosTomlSettings } from './dcos-toml.js';
import { absolutePath, displayPath, unreadableReason } from './files.js';
import type { ClusterConfig, ProxySettings, SshSettings, TlsConfig } from './types.js';
import {
  errorKindFor,
  firstOf,
  isTruthyFlag,
  normalizeUrl,
  parseSslVerify,
  parseTimeoutSeconds,
  parseTomlTimeout,
  type Sourced,
} from './values.js';

export interface ResolveInput {
  flags: ConnectionFlags;
  env: NodeJS.ProcessEnv;
  homedir: string;
  cwd: string;
}

/**
 * Where the cluster is and how to talk to it: flags > env > the DC/OS CLI's dcos.toml.
 * The dcos.toml is only used when it describes the cluster we end up talking to (its URL came from it
 * or equals it), so a token saved for one cluster is never sent to another.
 */
export async function resolveClusterConfig(input: ResolveInput): Promise<ClusterConfig> {
  const { flags, env, homedir, cwd } = input;
  const explicit = explicitUrls(flags, env);
  const toml = await currentToml(input, explicit);
  const tomlLabel = toml ? displayPath(toml.path, homedir) : 'dcos.toml';
  const fromToml = <T>(key: string, value: T | undefined): Sourced<T | undefined> => ({
    value,
    source: 'dcos-toml',
    label: `${tomlLabel} ${key}`,
  });

  const marathon = firstOf(explicit.marathon, fromToml('marathon.url', toml?.marathonUrl));
  const mesos = firstOf(explicit.mesos, fromToml('core.mesos_master_url', toml?.mesosMasterUrl));
  const dcos = explicit.direct ? undefined : firstOf(explicit.dcos, fromToml('core.dcos_url', toml?.dcosUrl));
  const url = (s: Sourced<string> | undefined) => (s === undefined ? undefined : normalizeUrl(s.value, s.label, s.source));
  const dcosUrl = url(dcos);

  let endpoints: Pick<ClusterConfig, 'marathonUrl' | 'mesosUrl' | 'agentAccess' | 'origin'>;
  if (dcosUrl !== undefined && dcos !== undefined) {
    endpoints = {
      marathonUrl: url(marathon) ?? `${dcosUrl}/service/marathon`,
      mesosUrl: url(mesos) ?? `${dcosUrl}/mesos`,
      agentAccess: 'admin-router',
      origin: dcos.source === 'dcos-toml' ? tomlLabel : dcos.label,
    };
  } else if (marathon !== undefined && mesos !== undefined) {
    endpoints = {
      marathonUrl: url(marathon) ?? '',
      mesosUrl: url(mesos) ?? '',
      agentAccess: 'direct',
      origin: `${marathon.label} + ${mesos.label}`,
    };
  } else if (marathon !== undefined || mesos !== undefined) {
    const [given, missing] = marathon !== undefined ? ['--marathon-url', '--mesos-url'] : ['--mesos-url', '--marathon-url'];
    throw usageError(`${given} also needs ${missing} when no DC/OS URL is given`, 'Or give the DC/OS URL with --url.');
  } else {
    throw notConfigured(toml, tomlLabel);
  }

  const config: ClusterConfig = {
    ...endpoints,
    auth: await resolveAuth({ flags, env, toml, tomlLabel, dcosUrl, cwd }),
    tls: await resolveTls(flags, env, toml, tomlLabel, cwd),
    timeoutMs: resolveTimeout(flags, env, toml, tomlLabel),
    ssh: resolveSsh(env, toml),
  };
  if (dcosUrl !== undefined) config.dcosUrl = dcosUrl;
  if (toml?.clusterName) config.clusterName = toml.clusterName;
  const proxy = proxyFromEnv(env);
  if (proxy) config.proxy = proxy;
  return config;
}

interface ExplicitUrls {
  dcos?: Sourced<string>;
  marathon?: Sourced<string>;
  mesos?: Sourced<string>;
  /** Marathon + Mesos given without a DC/OS URL at the same or a higher layer: plain Mesos. */
  direct: boolean;
}

function explicitUrls(flags: ConnectionFlags, env: NodeJS.ProcessEnv): ExplicitUrls {
  const flag = (value: string | undefined, label: string): Sourced<string | undefined> => ({ value, source: 'flag', label });
  const fromEnv = (name: string): Sourced<string | undefined> => ({ value: env[name], source: 'env', label: name });
  const marathon = firstOf(flag(flags.marathonUrl, '--marathon-url'), fromEnv('DCOS_MARATHON_URL'));
  const mesos = firstOf(flag(flags.mesosUrl, '--mesos-url'), fromEnv('DCOS_MESOS_MASTER_URL'));
  // `--marathon-url X --mesos-url Y` means plain Mesos even when a DC/OS URL sits in the env (plugin runs).
  const flagDirect = Boolean(flags.marathonUrl && flags.mesosUrl && !flags.url);
  const dcos = flagDirect ? undefined : firstOf(flag(flags.url, '--url'), fromEnv('DCOS_URL'));
  const urls: ExplicitUrls = { direct: flagDirect || (dcos === undefined && marathon !== undefined && mesos !== undefined) };
  if (dcos) urls.dcos = dcos;
  if (marathon) urls.marathon = marathon;
  if (mesos) urls.mesos = mesos;
  return urls;
}

/**
 * The current cluster's dcos.toml, when it applies. Without an explicit URL it is required and its
 * problems are errors; with one, a broken or ambiguous DC/OS CLI setup is irrelevant and ignored.
 */
async function currentToml(input: ResolveInput, explicit: ExplicitUrls): Promise<DcosTomlSettings | undefined> {
  const { env, homedir, cwd } = input;
  const hasExplicit = explicit.dcos !== undefined || explicit.direct;
  const current = await findCurrentCluster(env, homedir, cwd);
  if (current.kind === 'none') return undefined;
  if (current.kind === 'ambiguous') {
    if (hasExplicit) return undefined;
    throw current.error;
  }
  if (!hasExplicit) return loadDcosToml(current.cluster, homedir);
  if (explicit.direct || explicit.dcos === undefined) return undefined;
  const toml = await loadDcosToml(current.cluster, homedir).catch(() => undefined);
  if (toml?.dcosUrl === undefined) return undefined;
  const same = sameUrl(toml.dcosUrl, explicit.dcos.value);
  return same ? toml : undefined;
}

function sameUrl(a: string, b: string): boolean {
  try {
    return normalizeUrl(a, '', 'dcos-toml') === normalizeUrl(b, '', 'dcos-toml');
  } catch {
    return false;
  }
}

function notConfigured(toml: DcosTomlSettings | undefined, tomlLabel: string): CliError {
  const hint =
    'Pass --url <dcos-url> (or set DCOS_URL), run `dcos cluster setup <dcos-url>`, ' +
    'give --marathon-url and --mesos-url for plain Mesos, or use --mock to try it offline.';
  if (toml) return new CliError('config', `${tomlLabel} has no core.dcos_url`, { hint });
  return new CliError('config', 'no cluster configured', { hint });
}

async function resolveTls(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  toml: DcosTomlSettings | undefined,
  tomlLabel: string,
  cwd: string,
): Promise<TlsConfig> {
  if (flags.insecure && flags.caBundle !== undefined) throw usageError('--insecure and --ca-bundle cannot be combined');
  if (flags.insecure) return { verify: false, source: 'flag' };
  if (flags.caBundle !== undefined) return caBundle(flags.caBundle, '--ca-bundle', 'flag', cwd);
  if (isTruthyFlag(env.DCOS_TLS_INSECURE)) return { verify: false, source: 'env' };
  if (env.DCOS_TLS_CA_PATH) return caBundle(env.DCOS_TLS_CA_PATH, 'DCOS_TLS_CA_PATH', 'env', cwd);
  const sslVerify = firstOf<string>(
    { value: env.DCOS_SSL_VERIFY, source: 'env', label: 'DCOS_SSL_VERIFY' },
    { value: toml?.sslVerify, source: 'dcos-toml', label: `${tomlLabel} core.ssl_verify` },
  );
  if (sslVerify === undefined) return { verify: true, source: 'default' };
  const parsed = parseSslVerify(sslVerify.value);
  if (parsed.caPath === undefined) return { verify: parsed.verify, source: sslVerify.source };
  return caBundle(parsed.caPath, sslVerify.label, sslVerify.source, cwd);
}

async function caBundle(file: string, label: string, source: TlsConfig['source'], cwd: string): Promise<TlsConfig> {
  const caPath = absolutePath(file, cwd);
  const problem = await unreadableReason(caPath);
  if (problem !== undefined) {
    throw new CliError(errorKindFor(source), `${label}: CA bundle '${file}' ${problem}`, {
      hint: 'Point it at a PEM file with the cluster CA (e.g. from https://<master>/ca/dcos-ca.crt), or "true"/"false".',
    });
  }
  return { verify: true, caPath, source };
}

function resolveTimeout(flags: ConnectionFlags, env: NodeJS.ProcessEnv, toml: DcosTomlSettings | undefined, tomlLabel: string): number {
  const timeout = firstOf<string>(
    { value: flags.timeout, source: 'flag', label: '--timeout' },
    { value: env.DCOS_TIMEOUT, source: 'env', label: 'DCOS_TIMEOUT' },
  );
  if (timeout === undefined && toml?.timeout !== undefined) return parseTomlTimeout(toml.timeout, `${tomlLabel} core.timeout`);
  return parseTimeoutSeconds(timeout?.value, timeout?.label ?? '', timeout?.source ?? 'default');
}

function resolveSsh(env: NodeJS.ProcessEnv, toml: DcosTomlSettings | undefined): SshSettings {
  const ssh: SshSettings = {};
  const user = env.DCOS_SSH_USER || toml?.sshUser;
  const proxyIp = env.DCOS_SSH_PROXY_IP || toml?.sshProxyIp;
  if (user) ssh.user = user;
  if (proxyIp) ssh.proxyIp = proxyIp;
  const sudo = sudoFromEnv(env.STATEFUL_OPS_SSH_SUDO) ?? toml?.sshSudo;
  if (sudo !== undefined) ssh.sudo = sudo;
  return ssh;
}

/** STATEFUL_OPS_SSH_SUDO: 1/true/yes or 0/false/no; anything else is a mistake worth stopping for. */
export function sudoFromEnv(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new CliError('usage', `STATEFUL_OPS_SSH_SUDO must be 1 or 0, got '${value}'`);
}

/** Lower-case first, like curl and undici. */
function proxyFromEnv(env: NodeJS.ProcessEnv): ProxySettings | undefined {
  const httpProxy = env.http_proxy || env.HTTP_PROXY;
  const httpsProxy = env.https_proxy || env.HTTPS_PROXY;
  if (!httpProxy && !httpsProxy) return undefined;
  const proxy: ProxySettings = {};
  if (httpProxy) proxy.httpProxy = httpProxy;
  if (httpsProxy) proxy.httpsProxy = httpsProxy;
  const noProxy = env.no_proxy || env.NO_PROXY;
  if (noProxy) proxy.noProxy = noProxy;
  return proxy;
}

/** The embedded mock looks like a DC/OS cluster: Admin Router layout under `url`. */
export function mockClusterConfig(url: string, token: string | undefined, flags: ConnectionFlags): ClusterConfig {
  const base = normalizeUrl(url, 'mock URL', 'mock');
  return {
    dcosUrl: base,
    marathonUrl: `${base}/service/marathon`,
    mesosUrl: `${base}/mesos`,
    agentAccess: 'admin-router',
    auth: token === undefined ? { kind: 'none' } : { kind: 'token', token, source: 'mock' },
    tls: { verify: true, source: 'mock' },
    timeoutMs: parseTimeoutSeconds(flags.timeout, '--timeout', flags.timeout === undefined ? 'default' : 'flag'),
    ssh: {},
    origin: 'the embedded mock cluster',
  };
}
