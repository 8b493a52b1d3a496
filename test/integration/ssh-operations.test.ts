import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTarReport, scriptArgv, scripts } from '../../src/agent/remote-scripts.js';
import { AgentFs } from '../../src/agent/operations.js';
import { resolveAgentSshSettings, type AgentTarget } from '../../src/agent/settings.js';
import { AgentShell } from '../../src/agent/ssh.js';
import { ExitCode } from '../../src/core/errors.js';
import type { MockSshServerHandle } from '../../src/mock/ssh/server.js';
import { rejection, startMockSshAgents, type MockSshAgents } from '../helpers/mock-ssh.js';

// Everything below goes through the real `ssh` binary to the mock agent's SSH server.
const ROLES = '/var/lib/mesos/slave/volumes/roles/slave_public';
const WEIRD_ID = `a b*$'"#-x`;
const VOLUME = `${ROLES}/${WEIRD_ID}`;

let mock: MockSshAgents;
let stateDir: string;
let root: string;
let outside: string;
let server: MockSshServerHandle;
let shell: AgentShell;
let agentFs: AgentFs;
let agent: AgentTarget;
const local = (agentPath: string) => join(root, agentPath);

/** A volume with dotfiles, odd names, an empty dir and a symlink pointing out of the volume. */
function makeVolume(agentPath: string): void {
  const dir = local(agentPath);
  mkdirSync(join(dir, '.dotdir', 'deeper'), { recursive: true });
  mkdirSync(join(dir, 'sub dir'), { recursive: true });
  mkdirSync(join(dir, 'empty'), { recursive: true });
  writeFileSync(join(dir, 'PG_VERSION'), '9.6\n');
  writeFileSync(join(dir, '.hidden'), 'secret-ish\n');
  writeFileSync(join(dir, '.dotdir', 'deeper', '.inner'), 'x'.repeat(5000));
  writeFileSync(join(dir, 'sub dir', 'line\nbreak'), 'newline in name\n');
  writeFileSync(join(dir, '-rf'), 'leading dash\n');
  symlinkSync(outside, join(dir, 'link-outside'));
}

beforeAll(async () => {
  mock = await startMockSshAgents({ prefix: 'so-ssh-ops-', agents: [{ id: 'S1', hostname: 'agent-1' }] });
  ({ stateDir, server, shell, agentFs } = mock);
  root = mock.rootOf('S1');
  agent = mock.target('S1');
  outside = join(stateDir, 'outside-the-volume');
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'keep.txt'), 'must survive\n');
  makeVolume(VOLUME);
  mkdirSync(local('/etc'), { recursive: true });
  writeFileSync(local('/etc/mesos-slave'), 'MESOS_WORK_DIR=/var/lib/mesos/slave\n');
  symlinkSync(local(VOLUME), local(`${ROLES}/symlinked`));
});

afterAll(() => mock?.close());

describe('readFile', () => {
  it('reads a file, and reports an absent one as null rather than an error', async () => {
    expect(await agentFs.readFile(agent, '/etc/mesos-slave')).toBe('MESOS_WORK_DIR=/var/lib/mesos/slave\n');
    expect(await agentFs.readFile(agent, '/etc/mesos-slave-common')).toBeNull();
    expect(await agentFs.readFile(agent, `${VOLUME}/-rf`)).toBe('leading dash\n');
  });
});

describe('stat', () => {
  it('reports type, size and device without following symlinks', async () => {
    const file = await agentFs.stat(agent, `${VOLUME}/PG_VERSION`);
    expect(file).toMatchObject({ type: 'file', isSymlink: false, size: 4, isMountPoint: false });
    expect(file?.device).toBe(Number(lstatSync(local(`${VOLUME}/PG_VERSION`)).dev));
    expect(await agentFs.stat(agent, VOLUME)).toMatchObject({ type: 'directory', isMountPoint: false });
    expect(await agentFs.stat(agent, `${ROLES}/symlinked`)).toMatchObject({ type: 'symlink', isSymlink: true });
    expect(await agentFs.stat(agent, `${ROLES}/nope`)).toBeNull();
  });
});

describe('list', () => {
  it('lists every entry, dotfiles and odd names included, symlinks as symlinks', async () => {
    const listing = await agentFs.list(agent, VOLUME);
    expect(listing.entries.map((e) => [e.name, e.type])).toEqual([
      ['-rf', 'file'],
      ['.dotdir', 'directory'],
      ['.hidden', 'file'],
      ['PG_VERSION', 'file'],
      ['empty', 'directory'],
      ['link-outside', 'symlink'],
      ['sub dir', 'directory'],
    ]);
    expect(listing.entries.every((e) => e.device === listing.device && !e.isMountPoint)).toBe(true);
    const sub = await agentFs.list(agent, `${VOLUME}/sub dir`);
    expect(sub.entries.map((e) => e.name)).toEqual(['line\nbreak']);
  });

  it('refuses a symlinked directory and reports a missing one as not found', async () => {
    const link = await rejection(agentFs.list(agent, `${ROLES}/symlinked`));
    expect(link.exitCode).toBe(ExitCode.REFUSED);
    expect(link.message).toBe(`agent S1 (agent-1): ${ROLES}/symlinked is a symbolic link; refusing to follow it`);
    const missing = await rejection(agentFs.list(agent, `${ROLES}/gone`));
    expect(missing.exitCode).toBe(ExitCode.NOT_FOUND);
  });
});

describe('inspect', () => {
  it('stats and sizes many paths in one call, in order, agreeing with stat and directorySize', async () => {
    const paths = [VOLUME, `${ROLES}/symlinked`, `${ROLES}/nope`, `${VOLUME}/PG_VERSION`];
    const inspected = await agentFs.inspect(agent, paths);
    expect(inspected).toHaveLength(4);
    expect(inspected[0]).toEqual({
      stat: await agentFs.stat(agent, VOLUME),
      size: await agentFs.directorySize(agent, VOLUME),
      access: { user: expect.any(String), uid: expect.any(Number), blocked: [] },
    });
    expect(inspected[1]).toEqual({ stat: await agentFs.stat(agent, `${ROLES}/symlinked`) });
    expect(inspected[2]).toEqual({ stat: null });
    expect(inspected[3]?.stat).toMatchObject({ type: 'file', size: 4 });
    expect(inspected[3]?.size).toBeUndefined();
  });
});

describe('directorySize', () => {
  it('matches du -sb and the entry count on this machine, without following the symlink out', async () => {
    const size = await agentFs.directorySize(agent, VOLUME);
    const du = Number(execFileSync('du', ['-sb', '--one-file-system', local(VOLUME)], { encoding: 'utf8' }).split('\t')[0]);
    expect(size).toEqual({ bytes: du, entries: 10 });
    expect(size.bytes).toBeGreaterThan(5000);
    expect(size.bytes).toBeLessThan(5000 + 16 * 4096); // keep.txt is not counted through the link
  });
});

describe('tarDirectory', () => {
  it('streams the directory into a local tar that extracts to the same tree', async () => {
    const work = mkdtempSync(join(stateDir, 'tar-'));
    const archive = join(work, 'volume.tar');
    const result = await agentFs.tarDirectory(agent, VOLUME, archive);
    expect(result.entries).toBe(10);
    expect(result.bytes).toBe(lstatSync(archive).size);
    expect((lstatSync(archive).mode & 0o777).toString(8)).toBe('600');

    const extracted = join(work, 'x');
    mkdirSync(extracted);
    execFileSync('tar', ['-C', extracted, '-xf', archive]);
    expect(snapshot(extracted)).toEqual(snapshot(local(VOLUME)));
    expect(readlinkSync(join(extracted, 'link-outside'))).toBe(outside);

    const again = await rejection(agentFs.tarDirectory(agent, VOLUME, archive));
    expect(again.message).toMatch(/already exists; not overwriting/);
  });

  it('a reader slower than tar: the whole archive and, after it, the agent\'s report arrive', async () => {
    const big = `${ROLES}/big-volume`;
    mkdirSync(local(big), { recursive: true });
    writeFileSync(join(local(big), 'data.bin'), randomBytes(16 * 1024 * 1024));
    // The archive is still queued in the channel when tar exits: its stderr report must not be lost behind it.
    let received = 0;
    const slow = new Writable({ write: (chunk: Buffer, _e, cb) => void setTimeout(() => ((received += chunk.length), cb()), 2) });
    const result = await shell.runScript(agent, scripts.tar, [big], { stdoutTo: slow, timeoutMs: 120_000 });
    expect(result.exitCode).toBe(0);
    expect(parseTarReport(result.stderr)).toMatchObject({ entries: 1, fileBytes: 16 * 1024 * 1024 });
    slow.end();
    await once(slow, 'finish');
    expect(received).toBeGreaterThan(16 * 1024 * 1024);
  }, 120_000);

  it('leaves no partial file behind when the directory is missing', async () => {
    const archive = join(stateDir, 'missing.tar');
    const error = await rejection(agentFs.tarDirectory(agent, `${ROLES}/gone`, archive));
    expect(error.exitCode).toBe(ExitCode.NOT_FOUND);
    expect(existsSync(archive)).toBe(false);
  });
});

describe('deleteContents', () => {
  it(`empties a volume named ${WEIRD_ID}, dotfiles included, keeps the directory and never follows the symlink`, async () => {
    const victim = `${ROLES}/${WEIRD_ID}-copy`;
    makeVolume(victim);
    const result = await agentFs.deleteContents(agent, victim);
    expect(result).toEqual({ removed: 10 });
    expect(lstatSync(local(victim)).isDirectory()).toBe(true);
    expect(readdirSync(local(victim))).toEqual([]);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('must survive\n');
    expect(readdirSync(local(VOLUME))).toHaveLength(7); // the similarly named sibling is untouched
  });

  it('refuses to delete through a symlinked directory', async () => {
    const error = await rejection(agentFs.deleteContents(agent, `${ROLES}/symlinked`));
    expect(error.exitCode).toBe(ExitCode.REFUSED);
    expect(readdirSync(local(VOLUME))).toHaveLength(7);
  });
});

/** Real mounts need root (CAP_SYS_ADMIN); elsewhere these checks are skipped, the rest still run. */
function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'so-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'none', probe], { stdio: 'ignore' });
    execFileSync('umount', ['-l', probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    try {
      rmSync(probe, { recursive: true, force: true });
    } catch {
      // a probe directory left in tmp is harmless
    }
  }
}

describe.runIf(canMountTmpfs())('a MOUNT disk (tmpfs mounted in the sandbox)', () => {
  const MOUNT_ROOT = '/dcos/volume0';
  const mounts: string[] = [];
  const mount = (agentPath: string) => {
    mkdirSync(local(agentPath), { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'none', local(agentPath)]);
    mounts.unshift(local(agentPath));
  };

  beforeAll(() => {
    mount(MOUNT_ROOT);
    writeFileSync(local(`${MOUNT_ROOT}/.pgdata`), 'data\n');
    mkdirSync(local(`${MOUNT_ROOT}/base`));
    writeFileSync(local(`${MOUNT_ROOT}/base/1`), 'x'.repeat(3000));
    mount(`${MOUNT_ROOT}/other-fs`);
    writeFileSync(local(`${MOUNT_ROOT}/other-fs/not-ours`), 'another filesystem\n');
  });
  afterAll(() => {
    for (const dir of mounts) execFileSync('umount', ['-l', dir]);
  });

  it('tells a mount point by its device', async () => {
    expect(await agentFs.stat(agent, MOUNT_ROOT)).toMatchObject({ type: 'directory', isMountPoint: true });
    const listing = await agentFs.list(agent, MOUNT_ROOT);
    expect(listing.entries.filter((e) => e.isMountPoint).map((e) => e.name)).toEqual(['other-fs']);
  });

  it('sizes and archives without crossing into the nested filesystem', async () => {
    expect((await agentFs.directorySize(agent, MOUNT_ROOT)).entries).toBe(4); // .pgdata, base, base/1, other-fs
    const archive = join(stateDir, 'mount-root.tar');
    await agentFs.tarDirectory(agent, MOUNT_ROOT, archive);
    const names = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).split('\n');
    expect(names).toContain('./other-fs/');
    expect(names.some((n) => n.includes('not-ours'))).toBe(false);
  });

  it('deletes only its own filesystem’s files, keeps the mount root, and says what is left', async () => {
    const error = await rejection(agentFs.deleteContents(agent, MOUNT_ROOT));
    expect(error.message).toMatch(/^agent S1 \(agent-1\): \/dcos\/volume0 is not empty after deleting: 1 entries remain \(other-fs\)/);
    expect(readdirSync(local(MOUNT_ROOT))).toEqual(['other-fs']);
    expect(readFileSync(local(`${MOUNT_ROOT}/other-fs/not-ours`), 'utf8')).toBe('another filesystem\n');
  });
});

describe('the transport', () => {
  it('shares one connection for several commands to the same agent', async () => {
    const before = server.stats('S1');
    for (let i = 0; i < 4; i++) await agentFs.readFile(agent, '/etc/mesos-slave');
    const after = server.stats('S1');
    expect(after.commands - before.commands).toBe(4);
    expect(after.connections - before.connections).toBeLessThanOrEqual(1);
  });

  it('reaches the agent through a jump host (-J), like going through the leading master', async () => {
    const viaJump = new AgentShell(
      resolveAgentSshSettings({ flags: { sshConfigFile: server.configPath, proxyJump: 'agent-1', multiplex: false }, stdinIsTTY: false }),
      { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: stateDir },
    );
    const before = server.stats('S1').connections;
    expect(await new AgentFs(viaJump).readFile(agent, '/etc/mesos-slave')).toMatch(/^MESOS_WORK_DIR=/);
    expect(server.stats('S1').connections - before).toBe(2); // the jump host, then the agent through it
    await viaJump.close();
  });

  it('the mock agent maps script arguments into its sandbox and refuses any other absolute path', async () => {
    const result = await shell.run(agent, ['cat', '--', '/etc/hostname']);
    expect(result.exitCode).toBe(126);
    expect(result.stderr).toMatch(/^mock agent S1: refused: "\/etc\/hostname" is not a path this mock agent maps/);
    const inText = await shell.run(agent, scriptArgv('cat /etc/hostname', []));
    expect(inText.stderr).toMatch(/refused: the script text names "\/etc\/hostname"; paths must come as arguments/);
    // The same bytes as to a real agent; the message names the agent's path, not the sandbox.
    const missing = await shell.run(agent, scriptArgv('cat -- "$1"', ['/etc/no-such-file']));
    expect(missing.stderr).toBe("cat: /etc/no-such-file: No such file or directory\n");
    expect(await agentFs.readFile(agent, '/etc/mesos-slave')).toMatch(/^MESOS_WORK_DIR=/);
  });

  it('stops the transfer with a clear error when the local side cannot take the data', async () => {
    writeFileSync(local('/big'), Buffer.alloc(4 * 1024 * 1024, 7));
    const failingSink = new Writable({ write: (_chunk, _enc, done) => done(new Error('No space left on device')) });
    failingSink.on('error', () => undefined);
    const error = await rejection(shell.run(agent, scriptArgv('cat -- "$1"', ['/big']), { stdoutTo: failingSink }));
    expect(error.message).toBe('cannot write what the agent sent: No space left on device');
  });

  it('a single command to an agent is one plain connection: no shared connection to shut down', async () => {
    const extra = new AgentShell(shell.settings, { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: stateDir });
    const before = server.stats('S1').connections;
    await extra.run(agent, ['true']);
    expect(server.stats('S1').connections - before).toBe(1);
    expect(await extra.socketDirectory).toBeUndefined();
    await extra.close();
    expect(server.stats('S1').connections - before).toBe(1);
  });

  it('closes the shared connections and removes its socket directory', async () => {
    const extra = new AgentShell(shell.settings, { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: stateDir });
    await extra.run(agent, ['true']);
    await extra.run(agent, ['true']);
    const dir = await extra.socketDirectory;
    expect(dir).toBeDefined();
    expect((lstatSync(dir!).mode & 0o777).toString(8)).toBe('700');
    expect(readdirSync(dir!).map((n) => lstatSync(join(dir!, n)).isSocket())).toEqual([true]);
    await extra.close();
    expect(existsSync(dir!)).toBe(false);
  });
});

/** Relative path → type and content (or link target), for comparing two trees. */
function snapshot(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    const rel = `${prefix}${name}`;
    const st = lstatSync(full);
    if (st.isSymbolicLink()) out[rel] = `link:${readlinkSync(full)}`;
    else if (st.isDirectory()) {
      out[rel] = 'dir';
      Object.assign(out, snapshot(full, `${rel}/`));
    } else out[rel] = `file:${readFileSync(full, 'base64')}`;
  }
  return out;
}
