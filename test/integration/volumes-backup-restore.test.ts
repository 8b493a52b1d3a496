import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { mockCli, tempDir } from '../helpers/cli.js';
import { changedPaths, ownedTree as tree, snapshot } from '../helpers/sandbox.js';

/**
 * Moving an instance off an agent, end to end against the mock, as README "Move an instance off a
 * failing agent" tells an operator: back up the waiting /postgres task on S1, wipe it, take S1 down,
 * scale up through Marathon's own HTTP API (the new instance lands on another agent), scale down so it
 * waits, restore, scale up. Restoring gives owners back, so it needs root (the mock's permission model).
 */

const WAITING = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';
const RUNNING = 'postgres.instance-4f2a1c11-fd96-11e5-8e70-76a1c19f8c3d._app.2';
const S1 = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-S1';
const PID = 'postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d';
const ROLES = '/var/lib/mesos/slave/volumes/roles/slave_public';
const unavailable = process.getuid?.() === 0 ? undefined : 'restoring owners needs root (the mock agents run sudo as root only when the tests do)';

interface Manifest {
  app: string;
  task: string;
  persistenceId: string;
  containerPath: string;
  agent: { id: string; host: string };
  hostPath: string;
  archive: { file: string; bytes: number; sha256: string; entries: number; fileBytes: number };
  tar: { options: string[] };
  versions: { mesos: string | null; marathon: string | null };
}

interface VolumeRow {
  task: string;
  taskState: string;
  agentId: string;
  hostPath: string;
}

describe.skipIf(unavailable !== undefined)(`volumes backup / restore: moving an instance${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  let dir: string;
  let cleanup: () => void;
  let server: MockServer | undefined;
  const cli = mockCli(() => dir);
  const backups = () => join(dir, 'backups');
  const local = (agentId: string, hostPath: string) => join(dir, 'agents', agentId, 'root', hostPath);
  const agents = () => snapshot(join(dir, 'agents'));
  /** Marathon's HTTP API on the same state, as any client would scale the app. */
  const marathon = async (method: string, path: string, body?: unknown) => {
    server ??= await startMockServer({ stateDir: dir, log: () => undefined });
    const res = await fetch(`${server.url}/service/marathon${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    expect(res.status).toBe(200);
  };
  const scale = (instances: number) => marathon('PUT', '/v2/apps/postgres', { instances });
  const volumes = async (): Promise<VolumeRow[]> => JSON.parse((await cli(['--json', 'volumes', 'list', '--app', '/postgres'])).stdout) as VolumeRow[];
  const backupOf = async (task: string) => {
    const r = await cli(['--json', 'volumes', 'backup', '--to', backups(), task]);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    const [result] = (JSON.parse(r.stdout) as { results: { archive: string; manifest: string }[] }).results;
    return result as { archive: string; manifest: string };
  };

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    expect((await cli(['mock', 'reset'])).code).toBe(0);
  }, 60_000);
  afterEach(async () => {
    await server?.close();
    server = undefined;
    cleanup();
  });

  /**
   * backup → wipe → S1 down → scale up (elsewhere) → scale down (waiting): the new task's volume. Scaling
   * down either kills exactly the new instance (`DELETE …/tasks/<id>?scale=true`) or lowers `instances`
   * (Marathon stops the youngest, the new one).
   */
  async function moveToAnotherAgent(scaleDown: 'kill-scale' | 'instances') {
    const original = tree(local(S1, `${ROLES}/${PID}`));
    expect(original.get('.pgpass_hidden')).toMatch(/^file 999:999 600 /);
    const backup = await backupOf(WAITING);
    const manifest = JSON.parse(readFileSync(backup.manifest, 'utf8')) as Manifest;

    const wiped = await cli(['wipe', '--yes', WAITING]);
    expect(wiped.code, wiped.stderr).toBe(ExitCode.OK);
    expect(existsSync(local(S1, `${ROLES}/${PID}`))).toBe(false);
    // The failing agent leaves: Marathon must not place the instance back on it.
    expect((await cli(['agent', 'maintenance', 'schedule', '127.0.0.168', '--duration', '2h'])).code).toBe(0);
    expect((await cli(['agent', 'maintenance', 'down', '--yes', '127.0.0.168'])).code).toBe(0);

    const before = new Set((await volumes()).map((v) => v.task));
    await scale(3);
    const fresh = (await volumes()).find((v) => !before.has(v.task));
    expect(fresh?.taskState).toBe('running');
    expect(fresh?.agentId).not.toBe(S1);
    if (scaleDown === 'instances') await scale(2);
    else await marathon('DELETE', `/v2/apps/postgres/tasks/${fresh?.task ?? ''}?scale=true`);
    const waiting = (await volumes()).find((v) => v.task === fresh?.task);
    expect(waiting?.taskState).toBe('waiting');
    return { original, backup, manifest, target: waiting as VolumeRow };
  }

  it('backup → wipe → relaunch elsewhere → scale down → restore: byte-identical files, owners and modes; then it runs on them', async () => {
    const { original, backup, manifest, target } = await moveToAnotherAgent('kill-scale');
    expect(manifest).toMatchObject({
      app: '/postgres',
      task: WAITING,
      persistenceId: PID,
      containerPath: 'pgdata',
      agent: { id: S1, host: '127.0.0.168' },
      hostPath: `${ROLES}/${PID}`,
      archive: { entries: original.size - 1 },
      versions: { mesos: '1.11.0', marathon: expect.any(String) },
    });
    expect(manifest.tar.options).toContain('--numeric-owner');
    const listed = await cli(['--json', 'volumes', 'backups', '--verify', backups()]);
    expect(listed.code, listed.stderr).toBe(ExitCode.OK);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ archive: backup.archive, verified: true, problems: [] }]);

    const dry = await cli(['volumes', 'restore', '--dry-run', backup.archive, target.task]);
    expect(dry.code, dry.stderr).toBe(ExitCode.OK);
    expect(dry.stdout).toContain(`WRITE   ${target.hostPath}`);
    expect(readdirSync(local(target.agentId, target.hostPath))).toEqual([]);

    const restored = await cli(['volumes', 'restore', '--yes', backup.archive, target.task]);
    expect(restored.code, restored.stderr).toBe(ExitCode.OK);
    expect(restored.stdout).toMatch(/RESTORED 9 entries/);
    expect(tree(local(target.agentId, target.hostPath))).toEqual(original);

    // Running it again finds the journal: nothing is written twice.
    const again = await cli(['volumes', 'restore', '--yes', backup.archive, target.task]);
    expect(again.code).toBe(ExitCode.OK);
    expect(again.stderr).toContain('restored into');

    await scale(3);
    const running = (await volumes()).find((v) => v.hostPath === target.hostPath);
    expect(running?.taskState).toBe('running');
    expect(tree(local(target.agentId, target.hostPath))).toEqual(original);
  }, 240_000);

  it('refusals leave the target untouched: a tampered archive, a non-empty volume without --replace, a running task, another app', async () => {
    const { original, backup, target } = await moveToAnotherAgent('instances');
    const targetDir = local(target.agentId, target.hostPath);

    // A byte flipped in a copy of the archive (its manifest copied along): refused before anything is sent.
    const tampered = join(backups(), 'tampered.tar');
    copyFileSync(backup.archive, tampered);
    const bytes = readFileSync(tampered);
    bytes[600] = (bytes[600] ?? 0) ^ 0xff;
    writeFileSync(tampered, bytes);
    const m = JSON.parse(readFileSync(backup.manifest, 'utf8')) as Manifest;
    writeFileSync(`${tampered}.json`, JSON.stringify({ ...m, archive: { ...m.archive, file: 'tampered.tar' } }));
    let before = agents();
    const refused = await cli(['volumes', 'restore', '--yes', tampered, target.task]);
    expect(refused.code).toBe(ExitCode.REFUSED);
    expect(refused.stderr).toMatch(/^Error: refusing to restore .*tampered\.tar: its sha256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64}; nothing was sent$/m);
    expect(changedPaths(before, agents())).toEqual([]);
    const verify = await cli(['volumes', 'backups', '--verify', backups()]);
    expect(verify.code).toBe(ExitCode.CHECK_FAILED);
    expect(verify.stdout).toMatch(/tampered\.tar .*BAD: its sha256 is/);

    // An archive without its manifest: refused too.
    copyFileSync(backup.archive, join(backups(), 'bare.tar'));
    before = agents();
    const bare = await cli(['volumes', 'restore', '--yes', join(backups(), 'bare.tar'), target.task]);
    expect(bare.code).toBe(ExitCode.REFUSED);
    expect(bare.stderr).toMatch(/no manifest .*bare\.tar\.json beside it; nothing was sent/);
    expect(changedPaths(before, agents())).toEqual([]);

    // Something is in the target: refused without --replace.
    writeFileSync(join(targetDir, 'initdb-leftover'), 'fresh cluster\n');
    before = agents();
    const occupied = await cli(['volumes', 'restore', '--yes', backup.archive, target.task]);
    expect(occupied.code).toBe(ExitCode.REFUSED);
    expect(occupied.stderr).toMatch(/holds 1 entries: restore only into an empty volume, or pass --replace/);
    expect(changedPaths(before, agents())).toEqual([]);

    // A running task, and a task of another app.
    for (const task of [RUNNING, 'db_mysql.instance-6a1e3b42-0a4f-11ec-9a03-0242ac130003._app.3']) {
      before = agents();
      const r = await cli(['volumes', 'restore', '--yes', backup.archive, task]);
      expect(r.code, r.stderr).toBe(ExitCode.REFUSED);
      expect(r.stderr).toMatch(/the task is running: scale \/postgres down|the archive is of app \/postgres, the task belongs to \/db\/mysql/);
      expect(changedPaths(before, agents())).toEqual([]);
    }

    // --replace: what is there is backed up in the same format, then the archive goes in.
    const replaced = await cli(['--json', 'volumes', 'restore', '--yes', '--replace', '--backup-dir', join(dir, 'replaced'), backup.archive, target.task]);
    expect(replaced.code, replaced.stderr).toBe(ExitCode.OK);
    const { result } = JSON.parse(replaced.stdout) as { result: { replacedBackup: string } };
    expect(existsSync(`${result.replacedBackup}.json`)).toBe(true);
    expect((await cli(['volumes', 'backups', '--verify', join(dir, 'replaced')])).code).toBe(ExitCode.OK);
    expect(tree(targetDir)).toEqual(original);
  }, 240_000);

  it('backup refuses a running task unless --live, and then warns', async () => {
    const refused = await cli(['volumes', 'backup', '--to', backups(), RUNNING]);
    expect(refused.code).toBe(ExitCode.REFUSED);
    expect(refused.stdout).toMatch(/pass --live for a crash-consistent copy/);
    const live = await cli(['--json', 'volumes', 'backup', '--live', '--to', backups(), RUNNING]);
    expect(live.code, live.stderr).toBe(ExitCode.OK);
    expect(live.stderr).toMatch(/crash-consistent at best/);
    const [row] = JSON.parse((await cli(['--json', 'volumes', 'backups', backups()])).stdout) as { manifest: { live: boolean } }[];
    expect(row?.manifest.live).toBe(true);
  }, 120_000);

  it('wipe --backup-dir writes the same format: listed and verified by volumes backups', async () => {
    const wiped = await cli(['--json', 'wipe', '--yes', '--backup-dir', backups(), WAITING]);
    expect(wiped.code, wiped.stderr).toBe(ExitCode.OK);
    const [result] = (JSON.parse(wiped.stdout) as { results: { backups: string[] }[] }).results;
    const archive = result?.backups[0] as string;
    const listed = await cli(['--json', 'volumes', 'backups', '--verify', backups()]);
    expect(listed.code, listed.stderr).toBe(ExitCode.OK);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ archive, verified: true, manifest: { task: WAITING, persistenceId: PID } }]);
  }, 120_000);

  /** Into the same waiting task on S1, its volume emptied by hand first: the cheapest empty target there is. */
  async function emptiedOnS1() {
    const volumeDir = local(S1, `${ROLES}/${PID}`);
    const original = tree(volumeDir);
    const backup = await backupOf(WAITING);
    for (const name of readdirSync(volumeDir)) rmSync(join(volumeDir, name), { recursive: true });
    return { original, backup, volumeDir };
  }

  it('on the same agent too; the agent-side check right before writing refuses a file that appeared since the preflight', async () => {
    const { original, backup, volumeDir } = await emptiedOnS1();
    // S1's commands in this run: 1 the preflight's inspect, 2 the fenced extraction.
    const raced = await cli(['volumes', 'restore', '--yes', backup.archive, WAITING], { STATEFUL_OPS_MOCK_TRIGGERS: `S1:before=2:touch=${ROLES}/${PID}/postmaster.pid` });
    expect(raced.code, raced.stderr).toBe(ExitCode.REFUSED);
    expect(raced.stderr).toMatch(/is not empty right before writing \(1 entries are in it now\); nothing was written/);
    expect(readdirSync(volumeDir)).toEqual(['postmaster.pid']);
    // A refusal is not a partial restore: the file is not ours to delete.
    const again = await cli(['volumes', 'restore', '--yes', backup.archive, WAITING]);
    expect(again.code).toBe(ExitCode.REFUSED);
    expect(again.stderr).toMatch(/holds 1 entries: restore only into an empty volume, or pass --replace/);
    expect(readdirSync(volumeDir)).toEqual(['postmaster.pid']);
    rmSync(join(volumeDir, 'postmaster.pid'));
    // The re-run is not fooled by the journal of the refused run: it restores.
    const r = await cli(['volumes', 'restore', '--yes', backup.archive, WAITING]);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    expect(tree(volumeDir)).toEqual(original);
  }, 120_000);

  it('the instance relaunching right before the extraction: the fence sees its container, nothing is written', async () => {
    const { backup, volumeDir } = await emptiedOnS1();
    const raced = await cli(['volumes', 'restore', '--yes', backup.archive, WAITING], { STATEFUL_OPS_MOCK_TRIGGERS: `S1:before=2:relaunch=${WAITING}` });
    expect(raced.code, raced.stderr).toBe(ExitCode.REFUSED);
    expect(raced.stderr).toMatch(/is in use right now .*; nothing was written/);
    expect(readdirSync(volumeDir)).toEqual([]);
  }, 120_000);

  it('an agent whose tar predates --xattrs (GNU tar 1.26): archived without them, and a restore there says what it could not keep', async () => {
    const { original, backup, volumeDir } = await emptiedOnS1();
    expect((JSON.parse(readFileSync(backup.manifest, 'utf8')) as Manifest).tar.options).toEqual(['--numeric-owner', '--xattrs', '--acls']);
    // The agent's own commands come first on its PATH (like its systemctl): an old tar without the xattr options.
    const oldTar = [
      '#!/bin/sh',
      'for a in "$@"; do case $a in --xattrs|--acls) echo "tar: unrecognized option \'$a\'" >&2; exit 64;; esac; done',
      'if [ "$1" = --version ]; then echo "tar (GNU tar) 1.26"; exit 0; fi',
      'PATH=${PATH#*:} exec tar "$@"',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'agents', S1, 'bin', 'tar'), oldTar, { mode: 0o755 });

    const restored = await cli(['volumes', 'restore', '--yes', backup.archive, WAITING]);
    expect(restored.code, restored.stderr).toBe(ExitCode.OK);
    expect(restored.stderr).toMatch(/the archive holds xattrs and ACLs, but the tar on 127\.0\.0\.168 cannot restore them/);
    expect(tree(volumeDir)).toEqual(original);
    const old = await backupOf(WAITING);
    expect((JSON.parse(readFileSync(old.manifest, 'utf8')) as { tar: unknown }).tar).toEqual({ version: 'tar (GNU tar) 1.26', options: ['--numeric-owner'] });
    expect((await cli(['volumes', 'backups', '--verify', backups()])).code).toBe(ExitCode.OK);
  }, 120_000);

  it('an extraction whose report is lost: the re-run deletes what it wrote and restores again, from the journal', async () => {
    const { original, backup, volumeDir } = await emptiedOnS1();
    // S1's 2nd command (the extraction) runs to its end, then the connection drops before its exit status.
    const cut = await cli(['volumes', 'restore', '--yes', backup.archive, WAITING], { STATEFUL_OPS_MOCK_SSH_FAULTS: 'S1:lose-report=2' });
    expect(cut.code).not.toBe(ExitCode.OK);
    expect(readdirSync(volumeDir).length).toBeGreaterThan(0);
    const resumed = await cli(['volumes', 'restore', '--yes', backup.archive, WAITING]);
    expect(resumed.code, resumed.stderr).toBe(ExitCode.OK);
    expect(resumed.stdout).toMatch(/^AGAIN   .* holds what an interrupted restore wrote \(9 entries/m);
    expect(tree(volumeDir)).toEqual(original);
  }, 120_000);
});
