import { join } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { CliError } from '../core/errors.js';
import { absolutePath, displayPath, isRegularFile, listSubdirectories, readTextIfExists } from './files.js';

/**
 * The DC/OS CLI's own configuration (../shared/reference/dcos-cli/README.md §2):
 * `$DCOS_DIR` or `~/.dcos`, one `clusters/<cluster-id>/dcos.toml` per cluster.
 */

/** The keys stateful-ops reads from a cluster's dcos.toml, type-checked but otherwise raw. */
export interface DcosTomlSettings {
  path: string;
  clusterId: string;
  dcosUrl?: string;
  acsToken?: string;
  /** "true" / "false" / a CA bundle path; old files store a TOML boolean, normalised here to a string. */
  sslVerify?: string;
  /** Seconds, as written (TOML integer or string); validated by the resolver. */
  /** As written: dcos-cli reads a number and a string differently (values.ts parseTomlTimeout). */
  timeout?: number | string;
  sshUser?: string;
  sshProxyIp?: string;
  /** `[stateful_ops] ssh_sudo`: our own section (the DC/OS CLI ignores it). */
  sshSudo?: boolean;
  mesosMasterUrl?: string;
  marathonUrl?: string;
  clusterName?: string;
}

export interface ClusterDir {
  id: string;
  dir: string;
  tomlPath: string;
}

/**
 * Which cluster the DC/OS CLI would use. `ambiguous` is not thrown right away: the error only
 * matters when nothing else (flags, env) says where the cluster is.
 */
export type CurrentCluster =
  | { kind: 'found'; cluster: ClusterDir }
  | { kind: 'none' }
  | { kind: 'ambiguous'; error: CliError };

export function dcosDir(env: NodeJS.ProcessEnv, homedir: string, cwd: string): string {
  const fromEnv = env.DCOS_DIR;
  return fromEnv ? absolutePath(fromEnv, cwd) : join(homedir, '.dcos');
}

/** DCOS_CLUSTER (name or id) > the only cluster > the one with an `attached` marker. */
export async function findCurrentCluster(env: NodeJS.ProcessEnv, homedir: string, cwd: string): Promise<CurrentCluster> {
  const clustersDir = join(dcosDir(env, homedir, cwd), 'clusters');
  const clusters = (await listSubdirectories(clustersDir)).map((id) => clusterDir(clustersDir, id));
  const wanted = env.DCOS_CLUSTER;
  if (wanted) return { kind: 'found', cluster: await clusterByNameOrId(clusters, wanted, clustersDir) };
  if (clusters.length === 0) return { kind: 'none' };
  const [only] = clusters;
  if (clusters.length === 1 && only) return { kind: 'found', cluster: only };

  const attached: ClusterDir[] = [];
  for (const c of clusters) if (await isRegularFile(join(c.dir, 'attached'))) attached.push(c);
  const [first] = attached;
  if (attached.length === 1 && first) return { kind: 'found', cluster: first };
  const where = displayPath(clustersDir, homedir);
  const error =
    attached.length === 0
      ? new CliError('config', `no cluster is attached (${clusters.length} clusters in ${where})`, {
          hint: 'Attach one with `dcos cluster attach <name>`, set DCOS_CLUSTER=<name>, or pass --url.',
        })
      : new CliError('config', `multiple clusters are attached (${attached.map((c) => c.id).join(', ')} in ${where})`, {
          hint: 'Run `dcos cluster attach <name>` to pick one, or set DCOS_CLUSTER=<name>.',
        });
  return { kind: 'ambiguous', error };
}

function clusterDir(clustersDir: string, id: string): ClusterDir {
  const dir = join(clustersDir, id);
  return { id, dir, tomlPath: join(dir, 'dcos.toml') };
}

async function clusterByNameOrId(clusters: ClusterDir[], wanted: string, clustersDir: string): Promise<ClusterDir> {
  const matches: ClusterDir[] = [];
  // dcos-cli (pkg/config/manager.go Find): an exact cluster id wins over any name match.
  const byId = clusters.find((c) => c.id === wanted);
  if (byId) return byId;
  for (const c of clusters) {
    const text = await readTextIfExists(c.tomlPath).catch(() => undefined);
    if (text === undefined) continue;
    // A broken file in another cluster must not stop us: it can still be matched by its id.
    const name = tryParse(text)?.cluster?.name;
    if (name === wanted) matches.push(c);
  }
  const [match] = matches;
  if (matches.length === 1 && match) return match;
  if (matches.length === 0) {
    throw new CliError('config', `DCOS_CLUSTER=${wanted}: no match found in ${clustersDir}`, {
      hint: 'List clusters with `dcos cluster list`; DCOS_CLUSTER takes a cluster name or id.',
    });
  }
  throw new CliError('config', `DCOS_CLUSTER=${wanted}: multiple matches found (${matches.map((c) => c.id).join(', ')})`, {
    hint: 'Set DCOS_CLUSTER to the cluster id instead of its name.',
  });
}

function tryParse(text: string): { cluster?: { name?: unknown } } | undefined {
  try {
    return parseToml(text) as { cluster?: { name?: unknown } };
  } catch {
    return undefined;
  }
}

export async function loadDcosToml(cluster: ClusterDir, homedir: string): Promise<DcosTomlSettings> {
  let text: string | undefined;
  try {
    text = await readTextIfExists(cluster.tomlPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new CliError('config', `cannot read ${displayPath(cluster.tomlPath, homedir)} (${code})`);
  }
  // The DC/OS CLI treats a missing file as empty.
  return parseDcosToml(text ?? '', cluster.tomlPath, cluster.id, homedir);
}

/** Pure: TOML text → the settings we use. Malformed or mistyped → one-line config error naming the file. */
export function parseDcosToml(text: string, path: string, clusterId: string, homedir?: string): DcosTomlSettings {
  const shown = displayPath(path, homedir);
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (e) {
    const reason = ((e as Error).message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
    const detail = e instanceof TomlError ? `${reason} at line ${e.line}, column ${e.column}` : reason;
    throw new CliError('config', `${shown} is not valid TOML (${detail})`, {
      hint: 'Fix the file or run `dcos cluster setup` again.',
    });
  }
  const settings: DcosTomlSettings = { path, clusterId };
  const str = (section: string, key: string): string | undefined => {
    const value = table(doc, section, shown)?.[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw typeError(shown, `${section}.${key}`, 'a string');
    return value;
  };
  const strOrScalar = (section: string, key: string, kinds: ('boolean' | 'number')[]): string | undefined => {
    const value = table(doc, section, shown)?.[key];
    if (value === undefined || typeof value === 'string') return value;
    if ((kinds as string[]).includes(typeof value)) return String(value);
    throw typeError(shown, `${section}.${key}`, `a string or ${kinds.join(' or ')}`);
  };
  const assign = <K extends keyof DcosTomlSettings>(key: K, value: DcosTomlSettings[K] | undefined) => {
    if (value !== undefined) settings[key] = value;
  };
  assign('dcosUrl', str('core', 'dcos_url'));
  assign('acsToken', str('core', 'dcos_acs_token'));
  assign('sslVerify', strOrScalar('core', 'ssl_verify', ['boolean']));
  const timeout = table(doc, 'core', shown)?.timeout;
  if (timeout !== undefined && typeof timeout !== 'number' && typeof timeout !== 'string') throw typeError(shown, 'core.timeout', 'a number or a string');
  assign('timeout', timeout as number | string | undefined);
  assign('sshUser', str('core', 'ssh_user'));
  assign('sshProxyIp', str('core', 'ssh_proxy_ip'));
  const sudo = table(doc, 'stateful_ops', shown)?.ssh_sudo;
  if (sudo !== undefined && typeof sudo !== 'boolean') throw typeError(shown, 'stateful_ops.ssh_sudo', 'true or false');
  assign('sshSudo', sudo);
  assign('mesosMasterUrl', str('core', 'mesos_master_url'));
  assign('marathonUrl', str('marathon', 'url'));
  assign('clusterName', str('cluster', 'name'));
  return settings;
}

function table(doc: Record<string, unknown>, section: string, shown: string): Record<string, unknown> | undefined {
  const value = doc[section];
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError('config', `${shown}: [${section}] must be a table`);
  }
  return value as Record<string, unknown>;
}

function typeError(shown: string, key: string, expected: string): CliError {
  return new CliError('config', `${shown}: ${key} must be ${expected}`);
}
