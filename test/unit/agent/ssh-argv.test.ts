import { describe, expect, it } from 'vitest';
import { normalizeAgentPath, parentAgentPath } from '../../../src/agent/agent-path.js';
import { scriptArgv } from '../../../src/agent/remote-scripts.js';
import { resolveAgentSshSettings, type AgentSshSettings } from '../../../src/agent/settings.js';
import { sshCommandArgv, sshControlExitArgv, usableControlDir } from '../../../src/agent/ssh-argv.js';

const base = (flags = {}, cluster = {}, stdinIsTTY = false): AgentSshSettings =>
  resolveAgentSshSettings({ flags, cluster, stdinIsTTY });

/** The value following each occurrence of `flag`. */
function valuesOf(argv: string[], flag: string): string[] {
  return argv.flatMap((a, i) => (a === flag ? [argv[i + 1] as string] : []));
}

describe('resolveAgentSshSettings', () => {
  it('defaults the user to core.ssh_user, else centos, and never forces one over an ssh config file', () => {
    expect(base().user).toBe('centos');
    expect(base({}, { user: 'core' }).user).toBe('core');
    expect(base({ sshUser: 'admin' }, { user: 'core' }).user).toBe('admin');
    expect(base({ sshConfigFile: '/etc/so/ssh_config' }).user).toBeUndefined();
  });

  it('prompts only when a person is there: BatchMode without a TTY or with --yes', () => {
    expect(base({}, {}, false).batchMode).toBe(true);
    expect(base({}, {}, true).batchMode).toBe(false);
    expect(base({ yes: true }, {}, true).batchMode).toBe(true);
  });

  it('takes the jump host from the flag, else core.ssh_proxy_ip, logging in there as the agents’ user', () => {
    expect(base({}, { proxyIp: '127.0.0.9' }).proxyJump).toBe('centos@127.0.0.9');
    expect(base({ proxyJump: 'ops@127.0.0.8' }, { proxyIp: '127.0.0.9' }).proxyJump).toBe('ops@127.0.0.8');
    expect(base({ sshConfigFile: '/c', proxyJump: '127.0.0.8' }).proxyJump).toBe('127.0.0.8');
  });

  it('ignores non-positive numbers', () => {
    const s = base({ concurrency: 0, connectTimeoutSec: -1, perAgentTimeoutMs: 5000 });
    expect(s.concurrency).toBe(16);
    expect(s.connectTimeoutSec).toBe(10);
    expect(s.perAgentTimeoutMs).toBe(5000);
  });
});

describe('sshCommandArgv', () => {
  const settings = base(
    {
      sshUser: 'core',
      sshIdentity: '/home/op/.ssh/id ed',
      sshPort: 2222,
      sshOption: ['ConnectTimeout=3', 'StrictHostKeyChecking=accept-new'],
      sshConfigFile: '/home/op/ssh config',
      proxyJump: '127.0.0.5',
    },
    {},
    false,
  );
  const argv = sshCommandArgv(settings, { id: 'S1', host: '127.0.0.7' }, ['cat', '--', "/v/a b*$'\"#-x"], '/tmp/so-ssh-abc');

  it('ends with -T, --, the host and one quoted command string', () => {
    expect(argv.slice(-4)).toEqual(['-T', '--', '127.0.0.7', `cat -- '/v/a b*$'\\''"#-x'`]);
  });

  it('puts BatchMode before the user’s -o options and our defaults after them (ssh keeps the first value)', () => {
    const opts = valuesOf(argv, '-o');
    expect(opts[0]).toBe('BatchMode=yes');
    expect(opts.indexOf('ConnectTimeout=3')).toBeLessThan(opts.indexOf('ConnectTimeout=10'));
    expect(opts).toContain('StrictHostKeyChecking=accept-new');
    expect(opts.some((o) => o.startsWith('StrictHostKeyChecking=') && o !== 'StrictHostKeyChecking=accept-new')).toBe(false);
  });

  it('passes identity, port, config, jump host and user as separate arguments', () => {
    expect(valuesOf(argv, '-i')).toEqual(['/home/op/.ssh/id ed']);
    expect(valuesOf(argv, '-p')).toEqual(['2222']);
    expect(valuesOf(argv, '-F')).toEqual(['/home/op/ssh config']);
    expect(valuesOf(argv, '-J')).toEqual(['core@127.0.0.5']);
    expect(valuesOf(argv, '-l')).toEqual(['core']);
  });

  it('shares one connection per agent through a private socket directory', () => {
    const opts = valuesOf(argv, '-o');
    expect(opts).toEqual(expect.arrayContaining(['ControlMaster=auto', 'ControlPath=/tmp/so-ssh-abc/%C', 'ControlPersist=60']));
    const noMux = sshCommandArgv(settings, { host: '127.0.0.7' }, ['true'], undefined);
    expect(valuesOf(noMux, '-o').some((o) => o.startsWith('Control'))).toBe(false);
  });

  it('closes the shared connection with the same options, so %C names the same socket', () => {
    const exit = sshControlExitArgv(settings, { host: '127.0.0.7' }, '/tmp/so-ssh-abc');
    expect(exit.slice(0, -4)).toEqual(argv.slice(0, -4));
    expect(exit.slice(-4)).toEqual(['-O', 'exit', '--', '127.0.0.7']);
  });

  it('omits BatchMode when someone can answer a prompt', () => {
    const interactive = sshCommandArgv(base({}, {}, true), { host: '127.0.0.7' }, ['true'], undefined);
    expect(valuesOf(interactive, '-o')).not.toContain('BatchMode=yes');
  });

  it('refuses host names ssh would read as options or that carry whitespace', () => {
    for (const host of ['-oProxyCommand=x', '', 'a b', 'a\nb']) {
      expect(() => sshCommandArgv(settings, { host }, ['true'], undefined)).toThrow(/invalid agent host/);
    }
  });

  it('uses a control directory only when ssh can take it literally and the socket path fits', () => {
    expect(usableControlDir('/tmp/so-ssh-x1Y2z3')).toBe(true);
    expect(usableControlDir('/tmp/my dir/so-ssh-1')).toBe(false);
    expect(usableControlDir('/tmp/%h/so-ssh-1')).toBe(false);
    expect(usableControlDir(`/tmp/${'x'.repeat(80)}`)).toBe(false);
  });
});

describe('jump host and sudo settings', () => {
  it('takes the jump host like the DC/OS CLI: --ssh-proxy, then core.ssh_proxy_ip, then --master-proxy', () => {
    const master = { masterProxyHost: '52.1.2.3' };
    expect(resolveAgentSshSettings({ flags: { proxyJump: 'bastion' }, cluster: { proxyIp: '10.0.0.9' }, stdinIsTTY: false, ...master }))
      .toMatchObject({ proxyJump: 'centos@bastion', proxySource: '--ssh-proxy' });
    expect(resolveAgentSshSettings({ flags: {}, cluster: { proxyIp: '10.0.0.9' }, stdinIsTTY: false, ...master }))
      .toMatchObject({ proxyJump: 'centos@10.0.0.9', proxySource: 'core.ssh_proxy_ip' });
    expect(resolveAgentSshSettings({ flags: { sshUser: 'core' }, stdinIsTTY: false, ...master }))
      .toMatchObject({ proxyJump: 'core@52.1.2.3', proxySource: '--master-proxy' });
    expect(resolveAgentSshSettings({ flags: {}, stdinIsTTY: false }).proxyJump).toBeUndefined();
  });

  it('uses sudo when the flag or the cluster configuration says so, the flag first', () => {
    expect(resolveAgentSshSettings({ flags: {}, stdinIsTTY: false }).sudo).toBe(false);
    expect(resolveAgentSshSettings({ flags: {}, cluster: { sudo: true }, stdinIsTTY: false }).sudo).toBe(true);
    expect(resolveAgentSshSettings({ flags: { sudo: false }, cluster: { sudo: true }, stdinIsTTY: false }).sudo).toBe(false);
  });

  it('sends scripts in one fixed form, through sudo -n when asked', () => {
    expect(scriptArgv('exec cat -- "$1"', ['/etc/x'])).toEqual(['sh', '-c', 'exec cat -- "$1"', 'sh', '/etc/x']);
    expect(scriptArgv('true', [], { sudo: true })).toEqual(['sudo', '-n', 'sh', '-c', 'true', 'sh']);
  });
});

describe('normalizeAgentPath', () => {
  it('collapses repeated and trailing slashes but refuses relative paths and dot components', () => {
    expect(normalizeAgentPath('/a//b/')).toBe('/a/b');
    expect(parentAgentPath('/a/b c')).toBe('/a');
    for (const bad of ['a/b', '/a/../etc', '/a/./b', '/a\0b', '']) {
      expect(() => normalizeAgentPath(bad)).toThrow(/refusing agent path/);
    }
    // A name that merely contains dots is a legal persistence id.
    expect(normalizeAgentPath('/v/..x/a..b')).toBe('/v/..x/a..b');
  });
});
