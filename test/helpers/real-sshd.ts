import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createConnection } from 'node:net';

/**
 * Real OpenSSH agents for the test suite. Each agent is an `sshd` on its own 127.0.0.x address, started
 * in a private mount namespace where a scratch tree is bind-mounted over `/var/lib`, `/opt` and
 * `/etc/systemd/system`: the tool sends the very paths it sends to a DC/OS agent
 * (`/var/lib/mesos/slave/volumes/...`, `/opt/mesosphere/etc/...`) and they land in the scratch tree,
 * while the rest of the machine (passwd, sudoers, binaries) is the real one. Nothing is mounted outside
 * those namespaces; they vanish with their sshd. The login user is a fresh unprivileged account;
 * passwordless sudo for it is a drop-in the test adds and removes.
 */

export interface RealSshdPrerequisites {
  ok: boolean;
  /** Why the lane cannot run here (shown when it is skipped). */
  reason?: string;
}

const SSHD = '/usr/sbin/sshd';

export function realSshdPrerequisites(): RealSshdPrerequisites {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'needs root (creates a user, a sudoers drop-in and mount namespaces)' };
  for (const tool of [SSHD, '/usr/bin/sudo', '/usr/bin/unshare', '/usr/sbin/useradd', '/usr/bin/ssh-keygen']) {
    if (!existsSync(tool)) return { ok: false, reason: `${tool} is missing (CI installs openssh-server and sudo)` };
  }
  try {
    execFileSync('unshare', ['--mount', '--propagation', 'private', 'true'], { stdio: 'ignore' });
  } catch {
    return { ok: false, reason: 'cannot create mount namespaces here (unshare --mount failed)' };
  }
  return { ok: true };
}

export interface RealAgent {
  address: string;
  /** The agent's `/var/lib`, `/opt` and `/etc/systemd/system` live under here, laid out like `/`. */
  tree: string;
}

export interface RealSshdLane {
  user: string;
  port: number;
  identityFile: string;
  knownHosts: string;
  agents: RealAgent[];
  /** The CLI flags that reach these agents as a real cluster's would be reached. */
  sshFlags: string[];
  grantSudo(): void;
  revokeSudo(): void;
  /** Mounts of the scratch tree visible outside the agents' namespaces (must be none). */
  leakedMounts(): string[];
  close(): Promise<void>;
}

/** Starts one sshd per agent; `fill(tree, address)` lays out each agent's files before it starts. */
export async function startRealSshdLane(addresses: string[], fill: (tree: string, address: string) => void): Promise<RealSshdLane> {
  const scratch = mkdtempSync('/tmp/so-real-sshd-');
  chmodSync(scratch, 0o755); // the login user reads authorized_keys under here
  const user = `so-agent-${randomBytes(3).toString('hex')}`;
  const sudoers = `/etc/sudoers.d/${user.replaceAll('-', '_')}`;
  const children: ChildProcess[] = [];
  let userCreated = false;
  let createdRunSshd = false;
  const cleanup = async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('close', r)) : undefined)));
    rmSync(sudoers, { force: true });
    if (userCreated) execFileSync('userdel', [user], { stdio: 'ignore' });
    if (createdRunSshd) rmSync('/run/sshd', { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    execFileSync('useradd', ['--no-create-home', '--home-dir', scratch, '--shell', '/bin/sh', user], { stdio: 'ignore' });
    userCreated = true;
    execFileSync('usermod', ['-p', '*', user], { stdio: 'ignore' }); // no password, yet not locked: key login works
    if (!existsSync('/run/sshd')) {
      mkdirSync('/run/sshd', { mode: 0o755 });
      createdRunSshd = true;
    }
    const client = join(scratch, 'client');
    mkdirSync(client, { mode: 0o700 });
    const identityFile = join(client, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'stateful-ops real-sshd lane', '-f', identityFile]);
    const authorizedKeys = join(scratch, 'authorized_keys');
    writeFileSync(authorizedKeys, readFileSync(`${identityFile}.pub`), { mode: 0o644 });
    const hostKey = join(scratch, 'host_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
    const hostPublic = readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const port = await freePort();
    const knownHosts = join(client, 'known_hosts');
    writeFileSync(knownHosts, addresses.map((a) => `[${a}]:${port} ${hostPublic}\n`).join(''));

    const agents: RealAgent[] = [];
    for (const address of addresses) {
      const dir = join(scratch, address);
      const tree = join(dir, 'tree');
      for (const sub of ['var/lib', 'opt', 'etc/systemd/system']) mkdirSync(join(tree, sub), { recursive: true });
      chmodSync(dir, 0o755);
      fill(tree, address);
      const config = join(dir, 'sshd_config');
      writeFileSync(
        config,
        [
          `ListenAddress ${address}:${port}`,
          `HostKey ${hostKey}`,
          `AuthorizedKeysFile ${authorizedKeys}`,
          'StrictModes no',
          'PidFile none',
          'UsePAM no',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'PermitRootLogin no',
          `AllowUsers ${user}`,
          'LogLevel ERROR',
          '',
        ].join('\n'),
      );
      const binds = [
        `mount --bind ${tree}/var/lib /var/lib`,
        `mount --bind ${tree}/opt /opt`,
        `if [ -d /etc/systemd/system ]; then mount --bind ${tree}/etc/systemd/system /etc/systemd/system; fi`,
      ].join(' && ');
      const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `${binds} && exec ${SSHD} -D -e -f ${config}`], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      children.push(child);
      await waitForListener(address, port, child, () => stderr);
      agents.push({ address, tree });
    }
    return {
      user,
      port,
      identityFile,
      knownHosts,
      agents,
      sshFlags: [
        '--ssh-user', user,
        '--ssh-identity', identityFile,
        '--ssh-port', String(port),
        '--ssh-option', `UserKnownHostsFile=${knownHosts}`,
        '--ssh-option', 'StrictHostKeyChecking=yes',
        '--ssh-option', 'IdentitiesOnly=yes',
        '--ssh-option', 'GlobalKnownHostsFile=/dev/null',
      ],
      grantSudo: () => writeFileSync(sudoers, `${user} ALL=(root) NOPASSWD: ALL\n`, { mode: 0o440 }),
      revokeSudo: () => rmSync(sudoers, { force: true }),
      leakedMounts: () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(scratch)),
      close: cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    import('node:net').then(({ createServer }) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(port));
      });
    }, reject);
  });
}

async function waitForListener(address: string, port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`sshd on ${address}:${port} exited: ${stderr().trim()}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: address, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd on ${address}:${port} did not start: ${stderr().trim()}`);
}
