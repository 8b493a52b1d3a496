import { spawn, type ChildProcess } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server as NetServer, type Socket } from 'node:net';
import { resolve } from 'node:path';
import ssh2 from 'ssh2';
import type { AgentTarget } from '../../agent/settings.js';
import { checkCommandPaths } from './guard.js';
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
  /** Every command exits with this code instead of running. */
  failCommandsWith?: number;
  /** The agent dies (connections cut, then refused) when asked to run more than this many commands. */
  dieAfterCommands?: number;
  /** Cut every command's stdout after this many bytes (a stream broken mid-transfer). */
  truncateStdoutBytes?: number;
  /** Command n runs to its end, then every connection is cut before its exit status is sent (a lost report). */
  loseReportOf?: number;
}

export interface StartMockSshOptions {
  stateDir: string;
  agents: MockSshAgent[];
  faults?: Record<string, MockSshFaults>;
  /** Run around each command (numbered from 1 per agent): the mock's cluster changes at that point. */
  hooks?: MockCommandHooks;
  /** The only user accepted (default centos, the DC/OS CLI's default). */
  user?: string;
}

export interface MockSshServerHandle {
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

/** Exit status of a command the guard refused (like a shell's "cannot execute"). */
export const GUARD_EXIT_CODE = 126;

export async function startMockSshServer(options: StartMockSshOptions): Promise<MockSshServerHandle> {
  const user = options.user ?? 'centos';
  const keys = await ensureMockSshKeys(options.stateDir);
  const paths = { ...mockSshPaths(options.stateDir), ...mockSshRunPaths(await makeMockSshRunDir(options.stateDir)) };
  const otherHostKey = generateEd25519KeyPair().private;
  const listeners = options.agents.map(
    (agent) => new MockAgentListener({ ...agent, root: resolve(agent.root) }, user, keys, otherHostKey, options.hooks),
  );
  const agents = listeners.map((l) => ({
    ...l.agent,
    address: l.address,
    get port() {
      return l.port;
    },
    target: { id: l.agent.id, host: l.agent.hostname, fsRoot: l.agent.root },
  }));
  try {
    for (const listener of listeners) await listener.start(options.faults?.[listener.agent.id] ?? {});
    const records = agents.map(({ id, hostname, root, address, port }) => ({ id, hostname, root, address, port }));
    await writePrivateFile(
      paths.config,
      renderSshConfig({ agents: records, user, identityFile: paths.clientKey, knownHostsFile: paths.knownHosts }),
    );
    await writePrivateFile(paths.knownHosts, renderKnownHosts(records.map((a) => a.hostname), keys.hostPublicKey));
    await writeFile(paths.agents, `${JSON.stringify(records, null, 2)}\n`);
  } catch (e) {
    await Promise.all(listeners.map((l) => l.close()));
    await rm(paths.runDir, { recursive: true, force: true });
    throw e;
  }
  const byId = new Map(listeners.map((l) => [l.agent.id, l]));
  const listenerFor = (agentId: string) => {
    const listener = byId.get(agentId);
    if (!listener) throw new Error(`no mock agent ${agentId}`);
    return listener;
  };
  return {
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
      await Promise.all(listeners.map((l) => l.close()));
      await rm(paths.runDir, { recursive: true, force: true });
    },
  };
}

function isLoopback(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
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
    const finish = (code: number, message?: string) => {
      const after = this.hooks ? this.hooks.afterCommand(this.agent.id, number) : Promise.resolve();
      // The answer leaves only after the cluster changed: the caller's next step sees the new state.
      void after
        .catch(() => undefined)
        .then((what) => {
          if (what === 'cut') {
            for (const socket of this.sockets) socket.destroy();
            return;
          }
          if (message) stream.stderr.write(`${message}\n`);
          stream.exit(code);
          stream.end();
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
    const refusal = checkCommandPaths(command, this.agent.root);
    if (refusal !== null) return finish(GUARD_EXIT_CODE, `mock agent ${this.agent.id}: refused: ${refusal}`);
    if (failCommandsWith !== undefined) {
      return finish(failCommandsWith, `mock agent ${this.agent.id}: injected failure (exit ${failCommandsWith})`);
    }
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: this.agent.root,
      env: {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        HOME: this.agent.root,
        USER: this.user,
        LC_ALL: 'C',
        STATEFUL_OPS_FS_ROOT: this.agent.root,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
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
    child.stderr.pipe(stream.stderr, { end: false });
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
      if (signal) {
        stream.exit(signal.replace(/^SIG/, ''), false, '');
        stream.end();
      } else finish(code ?? 1);
    });
  }
}
