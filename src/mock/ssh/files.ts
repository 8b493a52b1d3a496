import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2 from 'ssh2';

/** Where the mock's SSH material lives inside its state directory. */
export function mockSshPaths(stateDir: string) {
  const dir = join(stateDir, 'ssh');
  return {
    dir,
    hostKey: join(dir, 'host_key'),
    clientKey: join(dir, 'id_ed25519'),
    clientPublicKey: join(dir, 'id_ed25519.pub'),
    knownHosts: join(dir, 'known_hosts'),
    config: join(dir, 'ssh_config'),
    agents: join(dir, 'agents.json'),
  };
}

export interface MockSshKeys {
  hostKey: string;
  hostPublicKey: string;
  clientPublicKey: string;
}

/** Keys are made once per state directory, so known_hosts and identities stay valid across restarts. */
export async function ensureMockSshKeys(stateDir: string): Promise<MockSshKeys> {
  const paths = mockSshPaths(stateDir);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  const host = await ensureKeyPair(paths.hostKey, `${paths.hostKey}.pub`, 'stateful-ops mock agent host key');
  const client = await ensureKeyPair(paths.clientKey, paths.clientPublicKey, 'stateful-ops mock client');
  return { hostKey: host.privateKey, hostPublicKey: host.publicKey, clientPublicKey: client.publicKey };
}

async function ensureKeyPair(privatePath: string, publicPath: string, comment: string) {
  try {
    const [privateKey, publicKey] = await Promise.all([readFile(privatePath, 'utf8'), readFile(publicPath, 'utf8')]);
    if (parses(privateKey)) {
      // ssh refuses a private key that others can read.
      await chmod(privatePath, 0o600);
      return { privateKey, publicKey: publicKey.trim() };
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const pair = generateEd25519KeyPair(comment);
  await writePrivateFile(privatePath, pair.private);
  await writeFile(publicPath, `${pair.public.trim()}\n`, { mode: 0o644 });
  return { privateKey: pair.private, publicKey: pair.public.trim() };
}

/**
 * ssh2 (1.17) writes a malformed OpenSSH key for about 1 ed25519 key in 300 (it then cannot parse
 * it back itself); such a key is thrown away and another one made.
 */
export function generateEd25519KeyPair(comment?: string): { private: string; public: string } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', comment === undefined ? {} : { comment });
    if (parses(pair.private)) return pair;
  }
  throw new Error('could not generate a usable ed25519 key');
}

function parses(privateKey: string): boolean {
  return !(ssh2.utils.parseKey(privateKey) instanceof Error);
}

export interface SshConfigAgent {
  hostname: string;
  address: string;
  port: number;
}

/** Double quotes let ssh_config take paths with spaces; a `"` inside cannot be expressed at all. */
function configValue(value: string): string {
  if (value.includes('"')) throw new Error(`cannot write ${value} into an ssh_config`);
  return /\s/.test(value) ? `"${value}"` : value;
}

/**
 * One `Host` block per agent, so the very same `ssh -F <config> <agent host> <cmd>` a user would run
 * reaches the mock. HostKeyAlias keys known_hosts by agent name: ports change between runs, names don't.
 */
export function renderSshConfig(input: {
  agents: SshConfigAgent[];
  user: string;
  identityFile: string;
  knownHostsFile: string;
}): string {
  const blocks = input.agents.map((agent) =>
    [
      `Host ${agent.hostname}`,
      `  HostName ${agent.address}`,
      `  Port ${agent.port}`,
      `  User ${input.user}`,
      `  IdentityFile ${configValue(input.identityFile)}`,
      `  IdentitiesOnly yes`,
      `  UserKnownHostsFile ${configValue(input.knownHostsFile)}`,
      `  GlobalKnownHostsFile /dev/null`,
      `  StrictHostKeyChecking yes`,
      `  HostKeyAlias ${agent.hostname}`,
      `  PreferredAuthentications publickey`,
      `  PasswordAuthentication no`,
    ].join('\n'),
  );
  return `# Written by the stateful-ops mock; regenerated on every start.\n${blocks.join('\n\n')}\n`;
}

export function renderKnownHosts(hostnames: string[], hostPublicKey: string): string {
  const [type, blob] = hostPublicKey.split(/\s+/);
  return hostnames.map((h) => `${h} ${type} ${blob}\n`).join('');
}

export async function writePrivateFile(path: string, content: string): Promise<void> {
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
}

export interface MockSshAgentRecord {
  id: string;
  hostname: string;
  root: string;
  address: string;
  port: number;
}

/**
 * The agents a running mock SSH server serves (from `ssh/agents.json`), as ssh targets: another
 * process pointed at the same state directory reaches them with `ssh -F <state>/ssh/ssh_config`.
 */
export async function readMockSshAgents(stateDir: string) {
  const paths = mockSshPaths(stateDir);
  const records = JSON.parse(await readFile(paths.agents, 'utf8')) as MockSshAgentRecord[];
  return {
    configPath: paths.config,
    agents: records.map((r) => ({ ...r, target: { id: r.id, host: r.hostname, fsRoot: r.root } })),
  };
}
