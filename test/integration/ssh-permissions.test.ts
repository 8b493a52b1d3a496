import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentFs } from '../../src/agent/operations.js';
import { resolveAgentSshSettings } from '../../src/agent/settings.js';
import { AgentShell } from '../../src/agent/ssh.js';
import { ExitCode } from '../../src/core/errors.js';
import { MOCK_TASK_UID, permissionModel } from '../../src/mock/ssh/permissions.js';
import { rejection, startMockSshAgents, type MockSshAgents } from '../helpers/mock-ssh.js';

const isRoot = process.getuid?.() === 0;
const ROLES = '/var/lib/mesos/slave/volumes/roles/slave_public';
const VOLUME = `${ROLES}/postgres#pgdata#4f2a1c10`;

if (!isRoot) {
  console.warn('ssh-permissions: skipped (needs root: the mock enforces its permission model only then)');
}

describe.skipIf(!isRoot)('a mock agent that says no, like a real one (as root)', () => {
  let mock: MockSshAgents;
  let asCentos: AgentFs;
  let asRoot: AgentFs;
  let extraShells: AgentShell[] = [];
  const local = (p: string) => join(mock.rootOf('S1'), p);
  const agent = () => mock.target('S1');

  beforeAll(async () => {
    mock = await startMockSshAgents({ prefix: 'so-ssh-perm-', agents: [{ id: 'S1', hostname: 'agent-1' }], flags: { sudo: false } });
    asCentos = mock.agentFs;
    const sudoShell = new AgentShell(
      resolveAgentSshSettings({ flags: { sudo: true, sshConfigFile: mock.server.configPath }, stdinIsTTY: false }),
      { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: mock.stateDir },
    );
    extraShells = [sudoShell];
    asRoot = new AgentFs(sudoShell);
    // Volume data as a database container leaves it: the task's uid, 0700; its parents root's, 0755.
    mkdirSync(local(`${VOLUME}/base/1`), { recursive: true });
    writeFileSync(local(`${VOLUME}/PG_VERSION`), '9.6\n');
    writeFileSync(local(`${VOLUME}/.pgpass_hidden`), 'x\n');
    writeFileSync(local(`${VOLUME}/base/1/1259`), 'y'.repeat(8192));
    for (const p of [VOLUME, `${VOLUME}/base`, `${VOLUME}/base/1`, `${VOLUME}/PG_VERSION`, `${VOLUME}/.pgpass_hidden`, `${VOLUME}/base/1/1259`]) {
      chownSync(local(p), MOCK_TASK_UID, MOCK_TASK_UID);
      chmodSync(local(p), p.endsWith('PG_VERSION') || p.endsWith('hidden') || p.endsWith('1259') ? 0o600 : 0o700);
    }
    for (const dir of ['/var', '/var/lib', '/var/lib/mesos', '/var/lib/mesos/slave', '/var/lib/mesos/slave/volumes', '/var/lib/mesos/slave/volumes/roles', ROLES]) {
      chmodSync(local(dir), 0o755);
    }
    chmodSync(mock.rootOf('S1'), 0o755);
  });

  afterAll(async () => {
    for (const s of extraShells) await s.close();
    await mock?.close();
  });

  it('runs the login user unprivileged: inspect reports what it may not delete, before anything is touched', async () => {
    expect(permissionModel().enforced).toBe(true);
    const [seen] = await asCentos.inspect(agent(), [VOLUME]);
    expect(seen?.stat?.type).toBe('directory');
    // The volume itself (the task's, 0700) and its parent (root's, 0755: no rmdir of the volume either).
    expect(seen?.access).toEqual({
      user: 'centos',
      uid: expect.any(Number),
      blocked: [
        { kind: 'directory', ownerUid: MOCK_TASK_UID, count: 1 },
        { kind: 'parent', ownerUid: 0, count: 1 },
      ],
    });
    expect(seen?.access?.uid).not.toBe(0);
  });

  it('a delete without sudo fails with the remedy, and nothing is gone', async () => {
    const error = await rejection(asCentos.deleteContents(agent(), VOLUME));
    expect(error.message).toMatch(/Permission denied; try --sudo$/);
    expect(readdirSync(local(VOLUME)).sort()).toEqual(['.pgpass_hidden', 'PG_VERSION', 'base']);
  });

  it('through sudo -n the same scripts run as root: nothing blocked, and the delete empties the directory', async () => {
    const [seen] = await asRoot.inspect(agent(), [VOLUME]);
    expect(seen?.access).toEqual({ user: 'root', uid: 0, blocked: [] });
    expect(seen?.size?.entries).toBe(5);
    expect(await asRoot.deleteContents(agent(), VOLUME)).toEqual({ removed: 5 });
    expect(readdirSync(local(VOLUME))).toEqual([]);
    expect(existsSync(local(VOLUME))).toBe(true);
  });

  it('a sudo that wants a password is one clear line, exit 6', async () => {
    await mock.server.setFaults('S1', { sudoNeedsPassword: true });
    try {
      const error = await rejection(asRoot.inspect(agent(), [VOLUME]));
      expect(error.exitCode).toBe(ExitCode.AUTH);
      expect(error.message).toBe('agent S1 (agent-1): sudo needs a password for the SSH user; stateful-ops never types one');
      expect(error.hint).toMatch(/passwordless sudo/);
    } finally {
      await mock.server.setFaults('S1', {});
    }
  });
});
