import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server as NetServer, type Socket } from 'node:net';
import { chmodSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';
import type { AgentTarget } from '../../agent/settings.js';
import { mapMessageBack, parseAgentCommand } from './command.js';
import { permissionModel, type PermissionModel } from './permissions.js';
import {
  ensureMockSshKeys,
  generateEd25519KeyPair,
  makeMockSshRunDir,
  mockSshPaths,
  mockSshRunPaths,
  renderKnownHosts,
  renderSshConfig,
  writePrivateFile,
  type MockSshKeys,
} from './files.js';

export interface MockSshAgent {
  id: string;
  /** The name callers pass to ssh; a `Host` block in the generated ssh_config maps it to the listener. */
  hostname: string;
  /** The agent's sandbox: stands in for `/` on a real agent. */
  root: string;
  /** Listen address, always in 127.0.0.0/8 (default 127.0.0.1). */
  address?: string;
  /** Default: an ephemeral port. */
  port?: number;
}

/** Faults to inject per agent; change them at any time with setFaults(). */
export interface MockSshFaults {
  /** Delay before each command runs. */
  latencyMs?: number;
  /** Refuse every key: ssh reports "Permission denied (publickey)". */
  denyAuth?: boolean;
  /** refused: nothing listens; drop: accept, then close at once (agent down); hang: accept, never answer. */
  connection?: 'refused' | 'drop' | 'hang';
  /** Present a host key other than the one in known_hosts. */
  wrongHostKey?: boolean;
  /** `sudo -n` fails as on an agent where the login user has no passwordless sudo. */
  sudoNeedsPassword?: boolean;
  /** Every command exits with this code instead of running. */
  failCommandsWith?: number;
  /** The agent dies (connections cut, then refused) when asked to run more than this many commands. */
  dieAfterCommands?: number;
  /** Cut every command's stdout after this many bytes (a stream broken mid-transfer). */
  truncateStdoutBytes?: number;
  /** Command n runs to its end, then every connection is cut before its exit status is sent (a lost report). */
  loseReportOf?: number;
  /** A restarted agent process never re-registers with the master (it cannot reach it). */
  noReregister?: boolean;
}

export interface StartMockSshOptions {
  stateDir: string;
  agents: MockSshAgent[];
  faults?: Record<string, MockSshFaults>;
  /** Run around each command (numbered from 1 per agent): the mock's cluster changes at that point. */
  hooks?: MockCommandHooks;
  /** The only user accepted (default centos, the DC/OS CLI's default). */
  user?: string;
  /**
   * Masters, reached by the name ssh is given (their public IP): jump hosts for `ssh -J`
   * (`--master-proxy`). Their own filesystem is an empty sandbox.
   */
  masters?: { hostname: string }[];
  /** Default: from the environment (on when running as root). */
  permissions?: PermissionModel;
}

export interface MockSshServerHandle {
  /** Who the agents run commands as (on only as root, with the sandboxes reachable). */
  permissions: PermissionModel;
  configPath: string;
  identityFile: string;
  knownHostsPath: string;
  user: string;
  agents: (Required<MockSshAgent> & { target: AgentTarget })[];
  setFaults(agentId: string, faults: MockSshFaults): Promise<void>;
  /** Authenticated connections and commands seen so far, e.g. to check that connections are shared. */
  stats(agentId: string): MockAgentStats;
  close(): Promise<void>;
}

export interface MockAgentStats {
  connections: number;
  commands: number;
}

export interface MockCommandHooks {
  beforeCommand(agentId: string, command: number): Promise<void>;
  /** 'cut': the command ran, but the connection drops before its exit status and the rest of its output leave. */
  afterCommand(agentId: string, command: number): Promise<void | 'cut'>;
}

/** The bundled entry of the agents' systemctl (scripts/build.mjs), next to the chunk this code is in. */
const SYSTEMCTL_ENTRY = fileURLToPath(new URL('../mock/systemctl.js', import.meta.url));

/** Exit status of a command the mock agent refused to run (like a shell's "cannot execute"). */
export const GUARD_EXIT_CODE = 126;

export async function startMockSshServer(options: StartMockSshOptions): Promise<MockSshServerHandle> {
  const user = options.user ?? 'centos';
  const keys = await ensureMockSshKeys(options.stateDir);
  const paths = { ...mockSshPaths(options.stateDir), ...mockSshRunPaths(await makeMockSshRunDir(options.stateDir)) };
  const otherHostKey = generateEd25519KeyPair().private;
  const permissions = reachablePermissionModel(options.permissions ?? permissionModel(), options.stateDir);
  const listeners = options.agents.map(
    (agent) => new MockAgentListener({ ...agent, root: resolve(agent.root) }, user, keys, otherHostKey, permissions, options.hooks),
  );
  const masterRoot = join(paths.runDir, 'master-root');
  const masters = (options.masters ?? []).map(
    (m, i) => new MockAgentListener({ id: `master-${i + 1}`, hostname: m.hostname, root: masterRoot }, user, keys, otherHostKey, permissions),
  );
  const agents = listeners.map((l) => ({
    ...l.agent,
    address: l.address,
    get port() {
      return l.port;
    },
    target: { id: l.agent.id, host: l.agent.hostname },
  }));
  try {
    if (masters.length > 0) await mkdir(masterRoot, { recursive: true });
    for (const listener of [...listeners, ...masters]) await listener.start(options.faults?.[listener.agent.id] ?? {});
    const records = agents.map(({ id, hostname, root, address, port }) => ({ id, hostname, root, address, port }));
    const hosts = [...records, ...masters.map((m) => ({ hostname: m.agent.hostname, address: m.address, port: m.port }))];
    await writePrivateFile(
      paths.config,
      renderSshConfig({ agents: hosts, user, identityFile: paths.clientKey, knownHostsFile: paths.knownHosts }),
    );
    await writePrivateFile(paths.knownHosts, renderKnownHosts(hosts.map((a) => a.hostname), keys.hostPublicKey));
    await writeFile(paths.agents, `${JSON.stringify(records, null, 2)}\n`);
  } catch (e) {
    await Promise.all([...listeners, ...masters].map((l) => l.close()));
    await rm(paths.runDir, { recursive: true, force: true });
    throw e;
  }
  const byId = new Map([...listeners, ...masters].map((l) => [l.agent.id, l]));
  const listenerFor = (agentId: string) => {
    const listener = byId.get(agentId);
    if (!listener) throw new Error(`no mock agent ${agentId}`);
    return listener;
  };
  return {
    permissions,
    configPath: paths.config,
    identityFile: paths.clientKey,
    knownHostsPath: paths.knownHosts,
    user,
    agents,
    async setFaults(agentId, faults) {
      await listenerFor(agentId).applyFaults(faults);
    },
    stats(agentId) {
      return { ...listenerFor(agentId).stats };
    },
    async close() {
      await Promise.all([...listeners, ...masters].map((l) => l.close()));
      await rm(paths.runDir, { recursive: true, force: true });
    },
  };
}

/**
 * The login user must be able to walk down to the sandboxes, which live in the mock's state directory.
 * The mock opens that directory for traversal only (o+x, no listing); a parent it does not own that
 * others cannot search (`/root` is 0700) turns the model off, with the reason.
 */
function reachablePermissionModel(model: PermissionModel, stateDir: string): PermissionModel {
  if (!model.enforced) return model;
  const dir = resolve(stateDir);
  try {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) chmodSync(dir, (mode & 0o7777) | 0o001);
  } catch {
    return model;
  }
  for (let parent = dirname(dir); ; parent = dirname(parent)) {
    const mode = statSync(parent).mode;
    if ((mode & 0o001) === 0) {
      return permissionModel({ STATEFUL_OPS_MOCK_PERMISSIONS: 'off' }, `${parent} is not searchable by other users, so the login user could not reach the sandboxes (use a mock directory under /tmp)`);
    }
    if (parent === '/') return model;
  }
}

function isLoopback(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/**
 * The end of a command: the rest of its stdout, then its stderr, the exit status, EOF and close. stdout and
 * stderr share the channel's window, and ssh2 resumes only one of them when the window reopens: stderr
 * written while a big archive is still queued is stranded and then dropped by the close, which sshd never
 * does. An empty write's callback runs once everything queued before it is out.
 */
function closeWith(stream: ssh2.ServerChannel, stderr: string, exit: () => void): void {
  const done = () => {
    exit();
    stream.end();
  };
  stream.write(Buffer.alloc(0), () => (stderr === '' ? done() : stream.stderr.write(stderr, () => done())));
}

/** One agent: its own TCP listener, so faults apply per agent and a refused port really refuses. */
class MockAgentListener {
  readonly address: string;
  port: number;
  readonly stats: MockAgentStats = { connections: 0, commands: 0 };
  private faults: MockSshFaults = {};
  private tcp: NetServer | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly children = new Set<ChildProcess>();
  private readonly ssh: ssh2.Server;
  private readonly sshWithWrongKey: ssh2.Server;
  private readonly clientKey: ssh2.ParsedKey;

  constructor(
    readonly agent: MockSshAgent & { root: string },
    private readonly user: string,
    keys: MockSshKeys,
    otherHostKey: string,
    private readonly permissions: PermissionModel,
    private readonly hooks?: MockCommandHooks,
  ) {
    this.address = agent.address ?? '127.0.0.1';
    if (!isLoopback(this.address)) throw new Error(`mock agent address ${this.address} is not in 127.0.0.0/8`);
    // The name becomes an ssh_config `Host` pattern: no spaces, no pattern characters.
    if (!/^[A-Za-z0-9._-]+$/.test(agent.hostname)) throw new Error(`unusable mock agent hostname ${JSON.stringify(agent.hostname)}`);
    this.port = agent.port ?? 0;
    const parsed = ssh2.utils.parseKey(keys.clientPublicKey);
    if (parsed instanceof Error) throw parsed;
    this.clientKey = Array.isArray(parsed) ? (parsed[0] as ssh2.ParsedKey) : parsed;
    this.ssh = new ssh2.Server({ hostKeys: [keys.hostKey] }, (client) => this.onClient(client));
    this.sshWithWrongKey = new ssh2.Server({ hostKeys: [otherHostKey] }, (client) => this.onClient(client));
  }

  async start(faults: MockSshFaults): Promise<void> {
    await this.listen();
    await this.applyFaults(faults);
  }

  async applyFaults(faults: MockSshFaults): Promise<void> {
    this.faults = { ...faults };
    if (faults.connection === 'refused') {
      if (this.tcp) await this.stopListening();
    } else if (!this.tcp) {
      await this.listen();
    }
  }

  async close(): Promise<void> {
    for (const child of this.children) child.kill('SIGKILL');
    if (this.tcp) await this.stopListening();
  }

  private listen(): Promise<void> {
    const tcp = createServer((socket) => this.onConnection(socket));
    return new Promise((resolveListen, reject) => {
      tcp.once('error', reject);
      tcp.listen(this.port, this.address, () => {
        tcp.off('error', reject);
        const address = tcp.address();
        if (address && typeof address === 'object') this.port = address.port;
        this.tcp = tcp;
        resolveListen();
      });
    });
  }

  private stopListening(): Promise<void> {
    const tcp = this.tcp;
    this.tcp = undefined;
    for (const socket of this.sockets) socket.destroy();
    return new Promise((done) => (tcp ? tcp.close(() => done()) : done()));
  }

  private onConnection(socket: Socket): void {
    // Like OpenSSH's sshd (IPTOS/TCP_NODELAY on interactive sessions): without it, Nagle holds the small
    // handshake and exit-status packets for ~40 ms each and the mock would measure delayed ACKs, not the tool.
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (this.faults.connection === 'drop') return void socket.destroy();
    if (this.faults.connection === 'hang') return;
    (this.faults.wrongHostKey ? this.sshWithWrongKey : this.ssh).injectSocket(socket);
  }

  private onClient(client: ssh2.Connection): void {
    client.on('error', () => undefined); // clients vanish mid-handshake when a test kills them
    client.on('authentication', (ctx) => {
      if (this.faults.denyAuth || ctx.method !== 'publickey' || ctx.username !== this.user) return ctx.reject(['publickey']);
      if (!this.isClientKey(ctx.key.algo, ctx.key.data)) return ctx.reject(['publickey']);
      if (ctx.signature && ctx.blob && this.clientKey.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) {
        return ctx.reject(['publickey']);
      }
      ctx.accept();
    });
    client.on('ready', () => {
      this.stats.connections++;
      // `ssh -J`: this agent acts as the jump host (the leading master on DC/OS) and forwards the TCP stream.
      client.on('tcpip', (accept, reject, info) => {
        if (!isLoopback(info.destIP)) return reject?.();
        const upstream = connect(info.destPort, info.destIP);
        let channel: ssh2.ServerChannel | undefined;
        upstream.on('error', () => (channel ? channel.destroy() : reject?.()));
        upstream.once('connect', () => {
          channel = accept?.();
          if (!channel) return void upstream.destroy();
          channel.on('error', () => upstream.destroy());
          channel.pipe(upstream).pipe(channel);
        });
      });
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('pty', (accept) => accept?.());
        session.on('env', (accept) => accept?.());
        session.on('shell', (_accept, reject) => reject?.());
        session.on('exec', (accept, _reject, info) => {
          this.stats.commands++;
          const { dieAfterCommands } = this.faults;
          if (dieAfterCommands !== undefined && this.stats.commands > dieAfterCommands) {
            void this.applyFaults({ ...this.faults, connection: 'refused' });
            return;
          }
          void this.exec(accept(), info.command, this.stats.commands);
        });
      });
    });
  }

  private isClientKey(algo: string, data: Buffer): boolean {
    const expected = this.clientKey.getPublicSSH();
    return algo === this.clientKey.type && data.length === expected.length && timingSafeEqual(data, expected);
  }

  private async exec(stream: ssh2.ServerChannel, command: string, number: number): Promise<void> {
    const finish = (code: number, message?: string, output?: string) => {
      const after = this.hooks ? this.hooks.afterCommand(this.agent.id, number) : Promise.resolve();
      // The answer leaves only after the cluster changed: the caller's next step sees the new state.
      void after
        .catch(() => undefined)
        .then((what) => {
          if (what === 'cut') {
            for (const socket of this.sockets) socket.destroy();
            return;
          }
          closeWith(stream, `${output ?? ''}${message ? `${message}\n` : ''}`, () => stream.exit(code));
        });
    };
    if (this.hooks) {
      try {
        await this.hooks.beforeCommand(this.agent.id, number);
      } catch (e) {
        return finish(125, `mock agent ${this.agent.id}: trigger failed: ${(e as Error).message}`);
      }
    }
    let clientGone = false;
    stream.on('close', () => (clientGone = true));
    stream.on('error', () => undefined);
    const { latencyMs, failCommandsWith } = this.faults;
    if (latencyMs) await new Promise((r) => setTimeout(r, latencyMs));
    if (clientGone) return; // the caller gave up during the delay (its timeout): run nothing
    const parsed = parseAgentCommand(command, this.agent.root);
    if (!parsed.ok) return finish(GUARD_EXIT_CODE, `mock agent ${this.agent.id}: refused: ${parsed.reason}`);
    if (failCommandsWith !== undefined) {
      return finish(failCommandsWith, `mock agent ${this.agent.id}: injected failure (exit ${failCommandsWith})`);
    }
    if (parsed.asRoot && this.faults.sudoNeedsPassword) return finish(1, 'sudo: a password is required');
    const child = this.spawnCommand(parsed.argv, parsed.asRoot);
    this.children.add(child);
    stream.pipe(child.stdin);
    child.stdin.on('error', () => undefined); // the command may exit without reading its input
    const limit = this.faults.truncateStdoutBytes;
    if (limit === undefined) child.stdout.pipe(stream, { end: false });
    else {
      let sent = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        if (sent < limit) stream.write(chunk.subarray(0, limit - sent));
        sent += chunk.length;
      });
    }
    // Messages name agent paths, as a real agent's do (collected: a path must not be cut between chunks).
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    stream.on('close', () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    child.on('error', (e) => finish(127, `mock agent ${this.agent.id}: ${e.message}`));
    child.on('close', (code, signal) => {
      this.children.delete(child);
      if (this.faults.loseReportOf === number) {
        for (const socket of this.sockets) socket.destroy();
        return;
      }
      const output = stderr.length > 0 ? mapMessageBack(Buffer.concat(stderr).toString('utf8'), parsed.mapped) : undefined;
      if (signal) {
        closeWith(stream, output ?? '', () => stream.exit(signal.replace(/^SIG/, ''), false, ''));
      } else finish(code ?? 1, undefined, output);
    });
  }

  /** The command runs in the sandbox root, as the login user, or as root when it came through `sudo -n`. */
  private spawnCommand(argv: string[], asRoot: boolean): ChildProcessWithoutNullStreams {
    const [file = 'sh', ...args] = argv;
    return spawn(file, args, {
      cwd: this.agent.root,
      env: {
        // The agent's own commands (its systemctl) come first: see paths.ts agentBinDir.
        PATH: `${join(dirname(this.agent.root), 'bin')}:${process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'}`,
        HOME: this.agent.root,
        USER: asRoot ? 'root' : this.user,
        LOGNAME: asRoot ? 'root' : this.user,
        LC_ALL: 'C',
        // Where the agent's systemctl finds the mock's model of its unit (sandbox.ts systemctlShim).
        STATEFUL_OPS_MOCK_NODE: process.execPath,
        STATEFUL_OPS_MOCK_SYSTEMCTL: SYSTEMCTL_ENTRY,
        ...(this.faults.noReregister ? { STATEFUL_OPS_MOCK_AGENT_FAULT: 'no-reregister' } : {}),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...this.permissions.spawnIdentity(asRoot),
    });
  }
}
