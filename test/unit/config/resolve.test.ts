import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionFlags } from '../../../src/context/context.js';
import { mockClusterConfig, resolveClusterConfig } from '../../../src/config/resolve.js';
import { CliError, ExitCode } from '../../../src/core/errors.js';
import { NO_TIMEOUT_MS } from '../../../src/config/values.js';

const A = '97193161-f7f1-2295-2514-a6b3918043b6';
const B = 'b5e0ad4c-1d2f-4c5e-9b7a-000000000002';

let home = '';
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'stateful-ops-home-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function cluster(id: string, toml: string, options: { attached?: boolean; root?: string } = {}): string {
  const dir = join(options.root ?? join(home, '.dcos'), 'clusters', id);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'dcos.toml');
  writeFileSync(path, toml, { mode: 0o600 });
  if (options.attached) writeFileSync(join(dir, 'attached'), '');
  return path;
}

function file(name: string, content: string, mode = 0o600): string {
  const path = join(home, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

function resolve(flags: ConnectionFlags = {}, env: NodeJS.ProcessEnv = {}) {
  return resolveClusterConfig({ flags, env, homedir: home, cwd: home });
}

async function failure(promise: Promise<unknown>): Promise<CliError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CliError);
  expect((e as CliError).message).not.toContain('\n');
  return e as CliError;
}

const toml = (url: string, extra = '') => `[core]\ndcos_url = "${url}"\n${extra}`;

describe('where the cluster URL comes from', () => {
  it('without any configuration says how to configure one', async () => {
    const err = await failure(resolve());
    expect(err.message).toBe('no cluster configured');
    expect(err.exitCode).toBe(ExitCode.USAGE);
    for (const way of ['--url', 'DCOS_URL', 'dcos cluster setup', '--mock']) expect(err.hint).toContain(way);
  });

  it('the only configured cluster is used, with the Admin Router layout', async () => {
    cluster(A, toml('https://127.0.0.5/', 'dcos_acs_token = "tok-from-toml"\n[cluster]\nname = "prod"'));
    const config = await resolve();
    expect(config).toMatchObject({
      dcosUrl: 'https://127.0.0.5',
      marathonUrl: 'https://127.0.0.5/service/marathon',
      mesosUrl: 'https://127.0.0.5/mesos',
      agentAccess: 'admin-router',
      auth: { kind: 'token', token: 'tok-from-toml', source: 'dcos-toml' },
      clusterName: 'prod',
      origin: `~/.dcos/clusters/${A}/dcos.toml`,
      timeoutMs: 180_000,
    });
  });

  it('--url beats DCOS_URL beats dcos.toml', async () => {
    cluster(A, toml('http://127.0.0.3'));
    expect((await resolve()).dcosUrl).toBe('http://127.0.0.3');
    expect((await resolve({}, { DCOS_URL: 'http://127.0.0.2' })).dcosUrl).toBe('http://127.0.0.2');
    const config = await resolve({ url: 'http://127.0.0.1:8080/' }, { DCOS_URL: 'http://127.0.0.2' });
    expect(config.dcosUrl).toBe('http://127.0.0.1:8080');
    expect(config.origin).toBe('--url');
  });

  it('marathon.url and core.mesos_master_url override the derived service URLs; env overrides them', async () => {
    cluster(A, toml('http://127.0.0.3', 'mesos_master_url = "http://127.0.0.3:5050"\n[marathon]\nurl = "http://127.0.0.3:8080"'));
    expect(await resolve()).toMatchObject({ marathonUrl: 'http://127.0.0.3:8080', mesosUrl: 'http://127.0.0.3:5050', agentAccess: 'admin-router' });
    const env = { DCOS_MARATHON_URL: 'http://127.0.0.4:8080', DCOS_MESOS_MASTER_URL: 'http://127.0.0.4:5050' };
    expect(await resolve({}, env)).toMatchObject({ marathonUrl: 'http://127.0.0.4:8080', mesosUrl: 'http://127.0.0.4:5050' });
  });

  it('--marathon-url + --mesos-url mean plain Mesos (direct agent access), even with DCOS_URL set', async () => {
    const config = await resolve({ marathonUrl: 'http://127.0.0.1:8080/', mesosUrl: 'http://127.0.0.1:5050' }, { DCOS_URL: 'http://127.0.0.9' });
    expect(config).toMatchObject({ marathonUrl: 'http://127.0.0.1:8080', mesosUrl: 'http://127.0.0.1:5050', agentAccess: 'direct' });
    expect(config.dcosUrl).toBeUndefined();
  });

  it('one of --marathon-url / --mesos-url alone is a usage error', async () => {
    const err = await failure(resolve({ marathonUrl: 'http://127.0.0.1:8080' }));
    expect(err.message).toBe('--marathon-url also needs --mesos-url when no DC/OS URL is given');
    expect(err.kind).toBe('usage');
  });

  it('rejects URLs that are not http(s)', async () => {
    const flagErr = await failure(resolve({ url: 'ftp://127.0.0.1' }));
    expect(flagErr.message).toBe("--url: 'ftp://127.0.0.1' is not an http(s) URL");
    expect(flagErr.kind).toBe('usage');
    const envErr = await failure(resolve({}, { DCOS_URL: '127.0.0.1:8080' }));
    expect(envErr.message).toMatch(/^DCOS_URL: '127\.0\.0\.1:8080' is not/);
    expect(envErr.exitCode).toBe(ExitCode.USAGE);
    await expect(resolve({ url: 'http://user:pw@127.0.0.1' })).rejects.toThrow('--url: the URL must not contain credentials');
  });
});

describe('choosing the current DC/OS CLI cluster', () => {
  it('the cluster with the attached marker, among several', async () => {
    cluster(A, toml('http://127.0.0.1'));
    cluster(B, toml('http://127.0.0.2'), { attached: true });
    expect((await resolve()).dcosUrl).toBe('http://127.0.0.2');
  });

  it('several clusters and none attached → "no cluster is attached"', async () => {
    cluster(A, toml('http://127.0.0.1'));
    cluster(B, toml('http://127.0.0.2'));
    const err = await failure(resolve());
    expect(err.message).toMatch(/^no cluster is attached \(2 clusters in ~\/\.dcos\/clusters\)$/);
    expect(err.hint).toContain('dcos cluster attach');
  });

  it('two markers → "multiple clusters are attached"', async () => {
    cluster(A, toml('http://127.0.0.1'), { attached: true });
    cluster(B, toml('http://127.0.0.2'), { attached: true });
    const err = await failure(resolve());
    expect(err.message).toMatch(/^multiple clusters are attached/);
  });

  it('an ambiguous setup does not matter when --url is given', async () => {
    cluster(A, toml('http://127.0.0.1'), { attached: true });
    cluster(B, toml('http://127.0.0.2'), { attached: true });
    expect((await resolve({ url: 'http://127.0.0.7' })).dcosUrl).toBe('http://127.0.0.7');
  });

  it('DCOS_CLUSTER picks by name or by id, and beats the marker', async () => {
    cluster(A, `${toml('http://127.0.0.1')}[cluster]\nname = "staging"\n`, { attached: true });
    cluster(B, `${toml('http://127.0.0.2')}[cluster]\nname = "prod"\n`);
    expect((await resolve({}, { DCOS_CLUSTER: 'prod' })).dcosUrl).toBe('http://127.0.0.2');
    expect((await resolve({}, { DCOS_CLUSTER: A })).dcosUrl).toBe('http://127.0.0.1');
    const err = await failure(resolve({}, { DCOS_CLUSTER: 'nope' }));
    expect(err.message).toMatch(/^DCOS_CLUSTER=nope: no match found/);
  });

  it('DCOS_CLUSTER matching two clusters by name → multiple matches', async () => {
    cluster(A, `${toml('http://127.0.0.1')}[cluster]\nname = "same"\n`);
    cluster(B, `${toml('http://127.0.0.2')}[cluster]\nname = "same"\n`);
    const err = await failure(resolve({}, { DCOS_CLUSTER: 'same' }));
    expect(err.message).toMatch(/^DCOS_CLUSTER=same: multiple matches found/);
  });

  it("DCOS_CLUSTER equal to one cluster's id and another's name: the id wins, as in dcos-cli", async () => {
    cluster(A, `${toml('http://127.0.0.1')}[cluster]\nname = "${B}"\n`);
    cluster(B, toml('http://127.0.0.2'));
    expect((await resolve({}, { DCOS_CLUSTER: B })).dcosUrl).toBe('http://127.0.0.2');
  });

  it('ssl_verify "FaLsE" is no boolean for dcos-cli (strconv.ParseBool): it names a CA bundle', async () => {
    cluster(A, toml('http://127.0.0.1', 'ssl_verify = "FaLsE"'));
    const err = await failure(resolve());
    expect(err.message).toMatch(/core\.ssl_verify: CA bundle 'FaLsE'/);
    cluster(A, toml('http://127.0.0.1', 'ssl_verify = "False"'));
    expect((await resolve()).tls.verify).toBe(false);
  });

  it('DCOS_DIR (relative to the cwd) replaces ~/.dcos', async () => {
    cluster(A, toml('http://127.0.0.6'), { root: join(home, 'elsewhere') });
    cluster(B, toml('http://127.0.0.1'));
    expect((await resolve({}, { DCOS_DIR: 'elsewhere' })).dcosUrl).toBe('http://127.0.0.6');
  });

  it('malformed TOML is a one-line config error naming the file', async () => {
    cluster(A, '[core\ndcos_url = "http://127.0.0.1"\n');
    const err = await failure(resolve());
    expect(err.message).toMatch(new RegExp(`^~/\\.dcos/clusters/${A}/dcos\\.toml is not valid TOML \\(.+ at line 1, column \\d+\\)$`));
    expect(err.kind).toBe('config');
  });

  it('a mistyped key names the key', async () => {
    cluster(A, '[core]\ndcos_url = 5\n');
    await expect(resolve()).rejects.toThrow(`~/.dcos/clusters/${A}/dcos.toml: core.dcos_url must be a string`);
  });
});

describe('authentication', () => {
  it('token order: --acs-token > --acs-token-file > DCOS_ACS_TOKEN > dcos.toml', async () => {
    cluster(A, toml('http://127.0.0.1', 'dcos_acs_token = "t-toml"'));
    const tokenFile = file('token', '  t-file\n');
    const env = { DCOS_ACS_TOKEN: 't-env' };
    expect((await resolve()).auth).toEqual({ kind: 'token', token: 't-toml', source: 'dcos-toml' });
    expect((await resolve({}, env)).auth).toEqual({ kind: 'token', token: 't-env', source: 'env' });
    expect((await resolve({ acsTokenFile: tokenFile }, env)).auth).toEqual({ kind: 'token', token: 't-file', source: 'flag' });
    expect((await resolve({ acsToken: 't-flag' }, env)).auth).toEqual({ kind: 'token', token: 't-flag', source: 'flag' });
  });

  it("the dcos.toml token is only used for that cluster's URL", async () => {
    cluster(A, toml('http://127.0.0.1/', 'dcos_acs_token = "t-toml"'));
    expect((await resolve({ url: 'http://127.0.0.2' })).auth).toEqual({ kind: 'none' });
    expect((await resolve({ url: 'http://127.0.0.1' })).auth).toMatchObject({ token: 't-toml' });
  });

  it('a missing or empty token file is an error that shows no token', async () => {
    await expect(resolve({ url: 'http://127.0.0.1', acsTokenFile: 'nope' })).rejects.toThrow("--acs-token-file: 'nope' does not exist");
    const empty = file('empty', '\n');
    await expect(resolve({ url: 'http://127.0.0.1', acsTokenFile: empty })).rejects.toThrow(/the ACS token is empty/);
    const twoLines = file('two', 'abc\ndef\n');
    const err = await failure(resolve({ url: 'http://127.0.0.1', acsTokenFile: twoLines }));
    expect(err.message).toMatch(/contains whitespace/);
    expect(err.message).not.toContain('abc');
  });

  it('a service account from flags or env, with a 0600 or 0400 key', async () => {
    const key = file('sa.pem', 'PEM', 0o600);
    expect((await resolve({ url: 'http://127.0.0.1', saUid: 'bot', saKeyFile: 'sa.pem' })).auth).toEqual({
      kind: 'service-account',
      uid: 'bot',
      privateKeyPath: key,
      source: 'flag',
    });
    chmodSync(key, 0o400);
    const env = { DCOS_URL: 'http://127.0.0.1', DCOS_SERVICE_ACCOUNT_UID: 'bot', DCOS_SERVICE_ACCOUNT_KEY_FILE: key };
    expect((await resolve({}, env)).auth).toMatchObject({ kind: 'service-account', source: 'env' });
  });

  it('refuses a key readable by others, like dcos', async () => {
    file('open.pem', 'PEM', 0o644);
    const err = await failure(resolve({ url: 'http://127.0.0.1', saUid: 'bot', saKeyFile: 'open.pem' }));
    expect(err.message).toBe("permissions 0644 for 'open.pem' are too open, expected 0400 or 0600");
    expect(err.hint).toContain('chmod 600');
  });

  it('service-account mistakes: half given, key missing, no DC/OS URL, mixed with a token', async () => {
    file('sa.pem', 'PEM');
    await expect(resolve({ url: 'http://127.0.0.1', saUid: 'bot' })).rejects.toThrow('--sa-uid also needs --sa-key-file');
    await expect(resolve({ url: 'http://127.0.0.1', saUid: 'bot', saKeyFile: 'missing.pem' })).rejects.toThrow(/does not exist/);
    const direct = { marathonUrl: 'http://127.0.0.1:8080', mesosUrl: 'http://127.0.0.1:5050', saUid: 'bot', saKeyFile: 'sa.pem' };
    await expect(resolve(direct)).rejects.toThrow(/service-account login needs the DC\/OS URL/);
    await expect(resolve({ url: 'http://127.0.0.1', acsToken: 't', saUid: 'bot', saKeyFile: 'sa.pem' })).rejects.toThrow(/not both/);
  });

  it('flags beat the env: --sa-uid wins over DCOS_ACS_TOKEN', async () => {
    file('sa.pem', 'PEM');
    const config = await resolve({ saUid: 'bot', saKeyFile: 'sa.pem' }, { DCOS_URL: 'http://127.0.0.1', DCOS_ACS_TOKEN: 't-env' });
    expect(config.auth.kind).toBe('service-account');
  });
});

describe('TLS settings', () => {
  const url = 'https://127.0.0.1';

  it.each([
    ['"false"', false, 'dcos-toml'],
    ['"False"', false, 'dcos-toml'],
    ['false', false, 'dcos-toml'],
    ['"0"', false, 'dcos-toml'],
    ['"true"', true, 'dcos-toml'],
    ['"TRUE"', true, 'dcos-toml'],
    // Empty = verify with the system roots, as if unset.
    ['""', true, 'default'],
  ])('core.ssl_verify = %s → verify %s', async (value, verify, source) => {
    cluster(A, toml(url, `ssl_verify = ${value}`));
    expect((await resolve()).tls).toEqual({ verify, source });
  });

  it('core.ssl_verify = <path> trusts that CA bundle; a missing bundle is an error', async () => {
    const ca = file('dcos_ca.crt', '-----BEGIN CERTIFICATE-----\n');
    cluster(A, toml(url, `ssl_verify = "${ca}"`));
    expect((await resolve()).tls).toEqual({ verify: true, caPath: ca, source: 'dcos-toml' });
    rmSync(ca);
    const err = await failure(resolve());
    expect(err.message).toBe(`~/.dcos/clusters/${A}/dcos.toml core.ssl_verify: CA bundle '${ca}' does not exist`);
  });

  it('env beats dcos.toml: DCOS_SSL_VERIFY, DCOS_TLS_INSECURE=1, DCOS_TLS_CA_PATH', async () => {
    const ca = file('ca.pem', 'x');
    cluster(A, toml(url, 'ssl_verify = "true"'));
    expect((await resolve({}, { DCOS_SSL_VERIFY: 'false' })).tls).toEqual({ verify: false, source: 'env' });
    expect((await resolve({}, { DCOS_TLS_INSECURE: '1' })).tls).toEqual({ verify: false, source: 'env' });
    expect((await resolve({}, { DCOS_TLS_CA_PATH: ca })).tls).toEqual({ verify: true, caPath: ca, source: 'env' });
  });

  it('flags beat everything; --insecure with --ca-bundle is refused; a bad bundle is a usage error', async () => {
    const ca = file('ca.pem', 'x');
    cluster(A, toml(url, 'ssl_verify = "false"'));
    expect((await resolve({ caBundle: 'ca.pem' })).tls).toEqual({ verify: true, caPath: ca, source: 'flag' });
    expect((await resolve({ insecure: true }, { DCOS_TLS_CA_PATH: ca })).tls).toEqual({ verify: false, source: 'flag' });
    await expect(resolve({ insecure: true, caBundle: ca })).rejects.toThrow('--insecure and --ca-bundle cannot be combined');
    const err = await failure(resolve({ caBundle: 'nope.pem' }));
    expect(err.message).toBe("--ca-bundle: CA bundle 'nope.pem' does not exist");
    expect(err.kind).toBe('usage');
  });
});

describe('timeout', () => {
  it('--timeout > DCOS_TIMEOUT > core.timeout > 180 s', async () => {
    cluster(A, toml('http://127.0.0.1', 'timeout = 30'));
    expect((await resolve()).timeoutMs).toBe(30_000);
    expect((await resolve({}, { DCOS_TIMEOUT: '20' })).timeoutMs).toBe(20_000);
    expect((await resolve({ timeout: '1.5' }, { DCOS_TIMEOUT: '20' })).timeoutMs).toBe(1_500);
    expect((await resolve({ url: 'http://127.0.0.9' })).timeoutMs).toBe(180_000);
  });

  it.each(['0', '-1', 'abc', '10s', ''])('--timeout %j is refused', async (value) => {
    if (value === '') {
      // An empty value is "not given", like an empty env var.
      expect((await resolve({ url: 'http://127.0.0.1', timeout: value })).timeoutMs).toBe(180_000);
      return;
    }
    const err = await failure(resolve({ url: 'http://127.0.0.1', timeout: value }));
    expect(err.message).toBe(`--timeout: expected a positive number of seconds, got '${value}'`);
  });

  it('a bad core.timeout names the file and key', async () => {
    cluster(A, toml('http://127.0.0.1', 'timeout = "soon"'));
    await expect(resolve()).rejects.toThrow(`~/.dcos/clusters/${A}/dcos.toml core.timeout: expected a number of seconds (0 = no timeout), got "soon"`);
  });

  it('core.timeout read as dcos-cli reads it: 12.5 → 12s, "12.5" and 0 → no timeout', async () => {
    cluster(A, toml('http://127.0.0.1', 'timeout = 12.5'));
    expect((await resolve()).timeoutMs).toBe(12_000);
    cluster(A, toml('http://127.0.0.1', 'timeout = "12.5"'));
    expect((await resolve()).timeoutMs).toBe(NO_TIMEOUT_MS);
    cluster(A, toml('http://127.0.0.1', 'timeout = 0'));
    expect((await resolve()).timeoutMs).toBe(NO_TIMEOUT_MS);
  });
});

describe('other settings', () => {
  it('ssh user and proxy from dcos.toml, env overriding', async () => {
    cluster(A, toml('http://127.0.0.1', 'ssh_user = "centos"\nssh_proxy_ip = "127.0.0.50"'));
    expect((await resolve()).ssh).toEqual({ user: 'centos', proxyIp: '127.0.0.50' });
    expect((await resolve({}, { DCOS_SSH_USER: 'core' })).ssh.user).toBe('core');
  });

  it('HTTP(S)_PROXY and NO_PROXY from the environment', async () => {
    const env = { DCOS_URL: 'http://127.0.0.1', HTTPS_PROXY: 'http://127.0.0.1:3128', no_proxy: 'localhost' };
    expect((await resolve({}, env)).proxy).toEqual({ httpsProxy: 'http://127.0.0.1:3128', noProxy: 'localhost' });
    expect((await resolve({}, { DCOS_URL: 'http://127.0.0.1' })).proxy).toBeUndefined();
  });

  it('mockClusterConfig: DC/OS layout, token auth when a token is given, timeout from flags', () => {
    expect(mockClusterConfig('http://127.0.0.1:4000/', 'mock-token', { timeout: '2' })).toMatchObject({
      dcosUrl: 'http://127.0.0.1:4000',
      marathonUrl: 'http://127.0.0.1:4000/service/marathon',
      mesosUrl: 'http://127.0.0.1:4000/mesos',
      agentAccess: 'admin-router',
      auth: { kind: 'token', token: 'mock-token', source: 'mock' },
      timeoutMs: 2000,
    });
    expect(mockClusterConfig('http://127.0.0.1:4000', undefined, {})).toMatchObject({ auth: { kind: 'none' }, timeoutMs: 180_000 });
    expect(() => mockClusterConfig('http://127.0.0.1:4000', undefined, { timeout: 'x' })).toThrow(/--timeout/);
  });
});
