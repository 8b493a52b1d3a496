import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { processExists, runDirOwner } from './run-dirs.js';

/**
 * Where the mock's SSH material lives inside its state directory. The keys are shared by every run on
 * that directory; ssh_config, known_hosts and agents.json name this run's ports, so each run writes its
 * own in `runDir` (see mockSshRunPaths), and two runs on one mock never read each other's.
 */
export function mockSshPaths(stateDir: string) {
  const dir = join(stateDir, 'ssh');
  return {
    dir,
    hostKey: join(dir, 'host_key'),
    clientKey: join(dir, 'id_ed25519'),
    clientPublicKey: join(dir, 'id_ed25519.pub'),
  };
}

/** This run's generated files, in its own directory `<state>/ssh/run-<pid>-<random>/` (removed at close). */
export function mockSshRunPaths(runDir: string) {
  return {
    runDir,
    knownHosts: join(runDir, 'known_hosts'),
    config: join(runDir, 'ssh_config'),
    agents: join(runDir, 'agents.json'),
  };
}

/** A private directory for this run's files; directories of runs whose process is gone are removed. */
export async function makeMockSshRunDir(stateDir: string): Promise<string> {
  const { dir } = mockSshPaths(stateDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const name of await readdir(dir)) {
    const pid = runDirOwner(name);
    if (pid !== undefined && !processExists(pid)) await rm(join(dir, name), { recursive: true, force: true });
  }
  return mkdtemp(join(dir, `run-${process.pid}-`));
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

/**
 * The private key file is the only truth (the public key is derived from it), so runs starting at once
 * on one mock agree on it: a new key is written to a temporary file and link()ed into place, which
 * fails if another run got there first — then that run's key is used. Nobody ever reads half a key.
 */
async function ensureKeyPair(privatePath: string, publicPath: string, comment: string) {
  let privateKey = await readUsableKey(privatePath);
  if (privateKey === undefined) {
    const pair = generateEd25519KeyPair(comment);
    const tmp = `${privatePath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    await writePrivateFile(tmp, pair.private);
    try {
      await link(tmp, privatePath);
      privateKey = pair.private;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // Another run won, or the file there is unusable (ssh2's rare malformed key): replace only the latter.
      privateKey = await readUsableKey(privatePath);
      if (privateKey === undefined) {
        await rename(tmp, privatePath);
        privateKey = pair.private;
      }
    } finally {
      await rm(tmp, { force: true });
    }
  }
  const publicKey = publicKeyOf(privateKey, comment);
  const tmpPublic = `${publicPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmpPublic, `${publicKey}\n`, { mode: 0o644 });
  await rename(tmpPublic, publicPath);
  return { privateKey, publicKey };
}

async function readUsableKey(path: string): Promise<string | undefined> {
  try {
    const key = await readFile(path, 'utf8');
    if (!parses(key)) return undefined;
    // ssh refuses a private key that others can read.
    await chmod(path, 0o600);
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function publicKeyOf(privateKey: string, comment: string): string {
  const parsed = ssh2.utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) throw new Error('unusable mock SSH key');
  return `${key.type} ${key.getPublicSSH().toString('base64')} ${key.comment || comment}`;
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
 * The agents a running mock SSH server serves (from its run directory's `agents.json`), as ssh targets:
 * another process reaches them with `ssh -F <runDir>/ssh_config`.
 */
export async function readMockSshAgents(runDir: string) {
  const paths = mockSshRunPaths(runDir);
  const records = JSON.parse(await readFile(paths.agents, 'utf8')) as MockSshAgentRecord[];
  return {
    configPath: paths.config,
    agents: records.map((r) => ({ ...r, target: { id: r.id, host: r.hostname } })),
  };
}
