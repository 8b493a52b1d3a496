import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { mockAgentHosts } from '../../src/mock/agents.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { realSshdPrerequisites, startRealSshdLane, type RealSshdLane } from '../helpers/real-sshd.js';
import { changedPaths, ownedTree, snapshot } from '../helpers/sandbox.js';

/**
 * The tool against real OpenSSH agents, as on a real cluster: the cluster's HTTP side is the mock
 * (`--url`, no `--mock`), the agents are sshd processes logging in an unprivileged user, and the files
 * are the real paths under /var/lib/mesos inside each agent's mount namespace (see helpers/real-sshd.ts).
 */

const prerequisites = realSshdPrerequisites();
if (!prerequisites.ok) console.warn(`real-sshd lane: skipped: ${prerequisites.reason}`);

const WAITING = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';
const WAITING_VOLUME = 'var/lib/mesos/slave/volumes/roles/slave_public/postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d';
const RUNNING = 'postgres.instance-4f2a1c11-fd96-11e5-8e70-76a1c19f8c3d._app.2';

describe.skipIf(!prerequisites.ok)('real sshd agents with a non-root SSH user', () => {
  let mockDir: { dir: string; cleanup: () => void };
  let cluster: MockServer;
  let lane: RealSshdLane;
  const treeOf = (address: string) => lane.agents.find((a) => a.address === address)?.tree ?? '';
  const cli = (args: string[], sudoFromEnv = false) =>
    runCli(['--url', cluster.url, ...args], { env: { STATEFUL_OPS_SSH_SUDO: sudoFromEnv ? '1' : undefined } });

  beforeAll(async () => {
    mockDir = tempDir('so-real-sshd-mock-');
    expect((await runCli(['--mock-dir', mockDir.dir, 'mock', 'reset'])).code).toBe(0);
    const hosts = mockAgentHosts(mockDir.dir).filter((h) => !h.lost);
    cluster = await startMockServer({ stateDir: mockDir.dir, log: () => undefined });
    // Each agent's files as the mock laid them out (as root: task data uid 999, mode 0700), copied with owners.
    lane = await startRealSshdLane(
      hosts.map((h) => h.hostname),
      (tree, address) => {
        const root = hosts.find((h) => h.hostname === address)?.root ?? '';
        for (const sub of ['var/lib', 'opt', 'etc/systemd/system']) {
          if (existsSync(join(root, sub))) execFileSync('cp', ['-a', `${join(root, sub)}/.`, join(tree, sub)]);
        }
      },
    );
  }, 120_000);

  afterAll(async () => {
    await lane?.close();
    await cluster?.close();
    mockDir?.cleanup();
  });

  it('wipe without --sudo is refused at preflight and deletes nothing', async () => {
    const before = snapshot(treeOf('127.0.0.168'));
    const r = await cli(['wipe', '--yes', ...lane.sshFlags, WAITING]);
    expect(r.code, r.stderr).toBe(ExitCode.REFUSED);
    expect(r.stdout).toContain(`volume pgdata: 1 entry owned by uid 999 is not deletable as ${lane.user}: use --sudo`);
    expect(changedPaths(before, snapshot(treeOf('127.0.0.168')))).toEqual([]);
  });

  it('--sudo without a sudoers entry is one clear line, exit 6, nothing deleted', async () => {
    const before = snapshot(treeOf('127.0.0.168'));
    const r = await cli(['wipe', '--yes', '--sudo', ...lane.sshFlags, WAITING]);
    expect(r.code, r.stdout + r.stderr).toBe(ExitCode.AUTH);
    expect(r.stderr).toContain(`127.0.0.168): sudo needs a password for ${lane.user}; stateful-ops never types one`);
    expect(changedPaths(before, snapshot(treeOf('127.0.0.168')))).toEqual([]);
  });

  it('with passwordless sudo, wipe empties exactly that volume (dotfiles too) and keeps its directory', async () => {
    lane.grantSudo();
    const tree = treeOf('127.0.0.168');
    const before = snapshot(tree);
    expect(readdirSync(join(tree, WAITING_VOLUME))).toContain('.pgpass_hidden');
    const r = await cli(['wipe', '--yes', ...lane.sshFlags, WAITING], true);
    expect(r.code, r.stdout + r.stderr).toBe(ExitCode.OK);
    expect(r.stdout).toMatch(/wiped$/m);
    expect(readdirSync(join(tree, WAITING_VOLUME))).toEqual([]);
    for (const p of changedPaths(before, snapshot(tree))) expect(p.startsWith(`${WAITING_VOLUME}/`), p).toBe(true);
  });

  it('tasks show --disk-usage measures a volume only the task user can read, through sudo', async () => {
    lane.grantSudo();
    const without = await cli(['tasks', 'show', '--disk-usage', ...lane.sshFlags, RUNNING]);
    expect(without.stdout).toMatch(/size on disk unknown: .*Permission denied; try --sudo/);
    const withSudo = await cli(['--json', 'tasks', 'show', '--disk-usage', '--sudo', ...lane.sshFlags, RUNNING]);
    expect(withSudo.code, withSudo.stderr).toBe(ExitCode.OK);
    const shown = JSON.parse(withSudo.stdout) as { volumes: { sizeOnDisk: number | null }[] };
    expect(shown.volumes[0]?.sizeOnDisk).toBeGreaterThan(8192);
  });

  it('volumes orphans --purge removes the orphaned directory on the agent, through sudo', async () => {
    lane.grantSudo();
    const report = JSON.parse((await cli(['--json', 'volumes', 'orphans', ...lane.sshFlags])).stdout) as { data: { hostname: string; path: string }[] };
    const orphan = report.data.find((d) => d.hostname === '127.0.0.172');
    expect(orphan, JSON.stringify(report)).toBeDefined();
    const local = join(treeOf('127.0.0.172'), orphan!.path);
    expect(existsSync(local)).toBe(true);
    const refused = await cli(['volumes', 'orphans', '--purge', '--yes', ...lane.sshFlags]);
    expect(refused.stdout).toMatch(/not deletable as so-agent-\w+: use --sudo|does not let so-agent-\w+ remove it: use --sudo/);
    expect(existsSync(local)).toBe(true);
    const r = await cli(['volumes', 'orphans', '--purge', '--yes', '--sudo', ...lane.sshFlags]);
    expect([ExitCode.OK, ExitCode.PARTIAL], r.stdout + r.stderr).toContain(r.code);
    expect(existsSync(local)).toBe(false);
  });

  it('agent recovery-config reads the agent’s unit and files; one it may not read says to try --sudo', async () => {
    const file = join(treeOf('127.0.0.167'), 'var/lib/dcos/mesos-slave-common');
    const secret = existsSync(file) ? file : join(treeOf('127.0.0.167'), 'opt/mesosphere/etc/mesos-slave-common');
    chmodSync(secret, 0o600);
    lane.grantSudo();
    const plain = await cli(['agent', 'recovery-config', '--agent', '127.0.0.167', ...lane.sshFlags]);
    expect(plain.stdout + plain.stderr).toContain('permission denied, try --sudo');
    const r = await cli(['--json', 'agent', 'recovery-config', '--agent', '127.0.0.167', '--sudo', ...lane.sshFlags]);
    const report = JSON.parse(r.stdout) as { agents: { unit: { path: string } | null }[] };
    expect(report.agents[0]?.unit?.path).toBe('/etc/systemd/system/dcos-mesos-slave.service');
    expect(r.stdout).not.toContain('permission denied');
  });

  it('volumes backup and restore need root for data the task user owns; through sudo the owners come back', async () => {
    lane.grantSudo();
    const MYSQL = 'db_mysql.instance-6a1e3b42-0a4f-11ec-9a03-0242ac130003._app.3';
    const out = join(mockDir.dir, 'backups');
    const plain = await cli(['volumes', 'backup', '--to', out, ...lane.sshFlags, MYSQL]);
    expect(plain.code, plain.stderr).toBe(ExitCode.REFUSED);
    expect(plain.stdout).toMatch(/not (deletable|readable) as so-agent-\w+.*: use --sudo/);
    const made = await cli(['--json', 'volumes', 'backup', '--to', out, '--sudo', ...lane.sshFlags, MYSQL]);
    expect(made.code, made.stderr).toBe(ExitCode.OK);
    const data = (JSON.parse(made.stdout) as { results: { containerPath: string; archive: string; manifest: string }[] }).results.find((r) => r.containerPath === 'data');
    const { hostPath } = JSON.parse(readFileSync(data?.manifest ?? '', 'utf8')) as { hostPath: string };
    const volume = join(treeOf('127.0.0.170'), hostPath);
    const original = ownedTree(volume);
    expect(original.get('.')).toMatch(/^dir 999:999 700$/);
    for (const name of readdirSync(volume)) rmSync(join(volume, name), { recursive: true });

    const refused = await cli(['volumes', 'restore', '--yes', ...lane.sshFlags, data?.archive ?? '', MYSQL]);
    expect(refused.code, refused.stderr).toBe(ExitCode.REFUSED);
    expect(refused.stderr).toMatch(/use --sudo/);
    expect(readdirSync(volume)).toEqual([]);
    const restored = await cli(['volumes', 'restore', '--yes', '--sudo', ...lane.sshFlags, data?.archive ?? '', MYSQL]);
    expect(restored.code, restored.stdout + restored.stderr).toBe(ExitCode.OK);
    expect(ownedTree(volume)).toEqual(original);
  }, 120_000);

  it('leaves no mount of the scratch tree outside the agents’ namespaces', () => {
    expect(lane.leakedMounts()).toEqual([]);
  });
});
