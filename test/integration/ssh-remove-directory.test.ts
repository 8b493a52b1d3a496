import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentFs } from '../../src/agent/operations.js';
import type { AgentTarget } from '../../src/agent/settings.js';
import { ExitCode } from '../../src/core/errors.js';
import { rejection, startMockSshAgents, type MockSshAgents } from '../helpers/mock-ssh.js';

// AgentFs.removeDirectory through the real `ssh` binary to a mock agent's SSH server.
const ROLES = '/var/lib/mesos/slave/volumes/roles/slave_public';
const ODD = `-old a*$'"#volume`;

let mock: MockSshAgents;
let root: string;
let outside: string;
let agentFs: AgentFs;
let agent: AgentTarget;
const local = (agentPath: string) => join(root, agentPath);

beforeAll(async () => {
  mock = await startMockSshAgents({ prefix: 'so-ssh-rmdir-', agents: [{ id: 'S5', hostname: 'agent-5' }] });
  ({ agentFs } = mock);
  root = mock.rootOf('S5');
  agent = mock.target('S5');
  outside = join(mock.stateDir, 'outside');
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'keep.txt'), 'must survive\n');
});

afterAll(() => mock?.close());

function makeOrphan(agentPath: string): void {
  const dir = local(agentPath);
  mkdirSync(join(dir, '.dotdir', 'deeper'), { recursive: true });
  mkdirSync(join(dir, 'sub dir'), { recursive: true });
  writeFileSync(join(dir, 'PG_VERSION'), '9.6\n');
  writeFileSync(join(dir, '.hidden'), 'x\n');
  writeFileSync(join(dir, '.dotdir', 'deeper', '.inner'), 'y'.repeat(3000));
  writeFileSync(join(dir, 'sub dir', 'line\nbreak'), 'z\n');
  symlinkSync(outside, join(dir, 'link-outside'));
}

describe('removeDirectory', () => {
  it('removes the directory and everything in it (dotfiles, odd names), never what a symlink points to', async () => {
    const path = `${ROLES}/${ODD}`;
    makeOrphan(path);
    // Siblings a glob or an unquoted name would also hit.
    mkdirSync(local(`${ROLES}/-old a`), { recursive: true });
    writeFileSync(local(`${ROLES}/-old a/keep`), 'sibling\n');
    const removed = await agentFs.removeDirectory(agent, path);
    expect(removed.removed).toBe(8);
    expect(existsSync(local(path))).toBe(false);
    expect(readdirSync(local(ROLES))).toEqual(['-old a']);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('must survive\n');
  });

  it('refuses a symlink to a directory and leaves both alone', async () => {
    const target = local('/data/elsewhere');
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'file'), 'kept\n');
    symlinkSync(target, local(`${ROLES}/linked`));
    const e = await rejection(agentFs.removeDirectory(agent, `${ROLES}/linked`));
    expect(e.exitCode).toBe(ExitCode.REFUSED);
    expect(e.message).toMatch(/is a symbolic link; refusing to follow it/);
    expect(readdirSync(target)).toEqual(['file']);
  });

  it('reports a missing directory as not found and a file as not a directory', async () => {
    expect((await rejection(agentFs.removeDirectory(agent, `${ROLES}/gone`))).exitCode).toBe(ExitCode.NOT_FOUND);
    writeFileSync(local(`${ROLES}/plain-file`), 'x');
    const e = await rejection(agentFs.removeDirectory(agent, `${ROLES}/plain-file`));
    expect(e.message).toMatch(/is not a directory/);
    expect(existsSync(local(`${ROLES}/plain-file`))).toBe(true);
  });
});

describe('removeDirectoryFenced', () => {
  const WORK_DIR = '/var/lib/mesos/slave';
  // What the mock's cluster hooks set up on every agent: the fence reads the mount table of its own process.
  beforeAll(() => {
    mkdirSync(local('/proc'), { recursive: true });
    symlinkSync('/proc/self', local('/proc/self'));
  });
  const idOf = async (path: string) => {
    const stat = await agentFs.stat(agent, path);
    return `${stat?.device}:${stat?.inode}`;
  };

  it('removes the directory when the fence passes: every component a real directory, the same device:inode', async () => {
    const path = `${ROLES}/fenced-ok`;
    makeOrphan(path);
    const removed = await agentFs.removeDirectoryFenced(agent, path, { base: WORK_DIR, expect: await idOf(path) });
    expect(removed.removed).toBe(8);
    expect(existsSync(local(path))).toBe(false);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('must survive\n');
  });

  it('refuses a directory replaced since it was inspected (another inode), deleting nothing', async () => {
    const path = `${ROLES}/fenced-replaced`;
    makeOrphan(path);
    const e = await rejection(agentFs.removeDirectoryFenced(agent, path, { base: WORK_DIR, expect: '1:2' }));
    expect(e.exitCode).toBe(ExitCode.REFUSED);
    expect(e.message).toMatch(/is not the directory inspected before \(replaced since\).*nothing was deleted$/);
    expect(readdirSync(local(path))).toHaveLength(5);
  });

  it('refuses when a component between the base and the directory is a symlink', async () => {
    mkdirSync(local('/srv/real-role'), { recursive: true });
    makeOrphan('/srv/real-role/vol');
    symlinkSync(local('/srv/real-role'), local(`${WORK_DIR}/volumes/roles/linked-role`));
    const e = await rejection(agentFs.removeDirectoryFenced(agent, `${WORK_DIR}/volumes/roles/linked-role/vol`, { base: WORK_DIR }));
    expect(e.message).toMatch(/has a symbolic link in its path \(symlink: .*linked-role\); nothing was deleted$/);
    expect(readdirSync(local('/srv/real-role/vol'))).toHaveLength(5);
  });
});
