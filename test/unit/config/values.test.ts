import { describe, expect, it } from 'vitest';
import { parseDcosToml } from '../../../src/config/dcos-toml.js';
import { checkToken, normalizeUrl, parseSslVerify, parseTimeoutSeconds } from '../../../src/config/values.js';
import { CliError } from '../../../src/core/errors.js';

describe('normalizeUrl', () => {
  it('trims trailing slashes and whitespace, keeps a path', () => {
    expect(normalizeUrl(' https://127.0.0.1/ ', '--url', 'flag')).toBe('https://127.0.0.1');
    expect(normalizeUrl('http://127.0.0.1:8080/marathon//', '--marathon-url', 'flag')).toBe('http://127.0.0.1:8080/marathon');
    expect(normalizeUrl('HTTP://LOCALHOST:80/', 'x', 'env')).toBe('http://localhost');
  });

  it('refuses what is not an http(s) URL, with the kind matching the source', () => {
    const flag = (() => {
      try {
        normalizeUrl('file:///etc/passwd', '--url', 'flag');
      } catch (e) {
        return e as CliError;
      }
    })();
    expect(flag?.kind).toBe('usage');
    expect(() => normalizeUrl('not a url', 'DCOS_URL', 'env')).toThrow("DCOS_URL: 'not a url' is not a URL");
    expect(() => normalizeUrl('http://127.0.0.1/?a=1', 'DCOS_URL', 'env')).toThrow(/query or fragment/);
  });
});

describe('parseSslVerify', () => {
  it.each([
    ['', { verify: true }],
    ['true', { verify: true }],
    ['T', { verify: true }],
    ['1', { verify: true }],
    ['false', { verify: false }],
    ['FALSE', { verify: false }],
    ['f', { verify: false }],
    ['0', { verify: false }],
    ['/etc/dcos/ca.crt', { verify: true, caPath: '/etc/dcos/ca.crt' }],
  ])('%j', (raw, expected) => {
    expect(parseSslVerify(raw)).toEqual(expected);
  });
});

describe('parseTimeoutSeconds', () => {
  it('seconds → milliseconds, 180 s by default', () => {
    expect(parseTimeoutSeconds(undefined, '', 'default')).toBe(180_000);
    expect(parseTimeoutSeconds('3', '--timeout', 'flag')).toBe(3000);
    expect(parseTimeoutSeconds('0.25', '--timeout', 'flag')).toBe(250);
  });

  it.each(['0', '0.0', '-3', '1e3', 'NaN', 'Infinity', '5 s'])('refuses %j', (raw) => {
    expect(() => parseTimeoutSeconds(raw, 'DCOS_TIMEOUT', 'env')).toThrow(`DCOS_TIMEOUT: expected a positive number of seconds, got '${raw}'`);
  });
});

describe('checkToken', () => {
  it('trims, refuses empty and multi-line tokens without echoing them', () => {
    expect(checkToken('  abc.def.ghi\n', 'DCOS_ACS_TOKEN', 'env')).toBe('abc.def.ghi');
    expect(() => checkToken(' \n', 'DCOS_ACS_TOKEN', 'env')).toThrow('DCOS_ACS_TOKEN: the ACS token is empty');
    expect(() => checkToken('secret1\nsecret2', 'x', 'flag')).toThrow(/^x: the ACS token contains whitespace or control characters$/);
  });
});

describe('parseDcosToml', () => {
  it('reads the keys we use; an old-style boolean ssl_verify becomes a string, timeout stays as written', () => {
    const text = [
      '[core]',
      'dcos_url = "https://127.0.0.5"',
      'dcos_acs_token = "jwt"',
      'ssl_verify = false',
      'timeout = 5',
      'ssh_user = "centos"',
      'ssh_proxy_ip = "127.0.0.9"',
      'mesos_master_url = "https://127.0.0.5/mesos"',
      'reporting = false',
      '[marathon]',
      'url = "https://127.0.0.5/service/marathon"',
      '[cluster]',
      'name = "prod"',
      '[package]',
      'cosmos_url = "x"',
    ].join('\n');
    expect(parseDcosToml(text, '/h/.dcos/clusters/c1/dcos.toml', 'c1', '/h')).toEqual({
      path: '/h/.dcos/clusters/c1/dcos.toml',
      clusterId: 'c1',
      dcosUrl: 'https://127.0.0.5',
      acsToken: 'jwt',
      sslVerify: 'false',
      timeout: 5,
      sshUser: 'centos',
      sshProxyIp: '127.0.0.9',
      mesosMasterUrl: 'https://127.0.0.5/mesos',
      marathonUrl: 'https://127.0.0.5/service/marathon',
      clusterName: 'prod',
    });
  });

  it('an empty file is an empty configuration', () => {
    expect(parseDcosToml('', '/x/dcos.toml', 'c1')).toEqual({ path: '/x/dcos.toml', clusterId: 'c1' });
  });

  it('errors name the file with ~ and the offending key', () => {
    expect(() => parseDcosToml('core = 1', '/h/.dcos/clusters/c1/dcos.toml', 'c1', '/h')).toThrow('~/.dcos/clusters/c1/dcos.toml: [core] must be a table');
    expect(() => parseDcosToml('[core]\nssl_verify = 3', '/x/dcos.toml', 'c1', '/h')).toThrow('/x/dcos.toml: core.ssl_verify must be a string or boolean');
    expect(() => parseDcosToml('[core]\ntimeout = true', '/x/dcos.toml', 'c1', '/h')).toThrow('core.timeout must be a number or a string');
  });
});
