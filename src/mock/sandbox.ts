import { createHash } from 'node:crypto';
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildVolumeHostPath } from '../domain/volume-path.js';
import { permissionModel } from './ssh/permissions.js';
import { WORK_DIR, envFileText, generatedRoleFile, generatedSlaveCommon, mountResources, unitFileText, unitName } from './agent-config.js';
import { agentRoot } from './paths.js';
import type { MockAgent, MockReservedVolume, MockState } from './types.js';

/**
 * Each agent's filesystem, under `<stateDir>/agents/<agentId>/root/`: the DC/OS config files, the systemd
 * unit, and the persistent volume directories with real files (dotfiles and awkward names included), so
 * tools that inspect, archive or wipe volumes over SSH have something real to work on.
 */

function writeFile(root: string, path: string, content: string | Buffer, mode?: number): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content, mode === undefined ? undefined : { mode });
}

/** Deterministic bytes, so an archive of a volume can be compared with the original. */
function bytes(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let offset = 0; offset < size; offset += block.length) {
    block.copy(out, offset);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** Files a volume of this kind of app would hold. */
function volumeFiles(persistenceId: string, containerPath: string): Record<string, string | Buffer> {
  const app = persistenceId.slice(0, persistenceId.indexOf('#'));
  if (app === 'postgres' || containerPath === 'pgdata') {
    return {
      PG_VERSION: '9.6\n',
      'base/1/1259': bytes(`${persistenceId}/1259`, 8192),
      'global/pg_control': bytes(`${persistenceId}/pg_control`, 512),
      'pg_xlog/000000010000000000000001': bytes(`${persistenceId}/xlog`, 4096),
      '.pgpass_hidden': 'localhost:5432:*:postgres:mock-only\n',
    };
  }
  if (containerPath === 'logs') {
    return {
      'mysql-bin.000001': bytes(`${persistenceId}/binlog`, 2048),
      'mysql-bin.index': './mysql-bin.000001\n',
      'slow query.log': '# Time: 2021-09-01T07:31:14Z\n',
      '.rotated_marker': '',
    };
  }
  if (app.startsWith('db_')) {
    return {
      ibdata1: bytes(`${persistenceId}/ibdata1`, 16384),
      'mysql/user.frm': bytes(`${persistenceId}/user.frm`, 1024),
      'auto.cnf': '[auto]\nserver-uuid=6a1e3b40-0a4f-11ec-9a03-0242ac130003\n',
      '.mysql_hidden': 'x\n',
    };
  }
  if (app.startsWith('kafka')) {
    return {
      'meta.properties': 'version=0\nbroker.id=1\n',
      'orders-0/00000000000000000000.log': bytes(`${persistenceId}/log`, 4096),
      'orders-0/00000000000000000000.index': bytes(`${persistenceId}/index`, 1024),
      '.lock': '',
    };
  }
  return { 'data.bin': bytes(persistenceId, 1024), '.hidden': 'hidden\n' };
}

/**
 * Where the agent keeps a volume, built by the very rules the tool checks against (domain/volume-path):
 * `<work_dir>/volumes/roles/<role>/<id>`, `<PATH root>/volumes/roles/<role>/<id>`, or the MOUNT root.
 */
export function hostPathOf(role: string, volume: MockReservedVolume): string {
  const built = buildVolumeHostPath({ workDir: WORK_DIR, role, persistenceId: volume.persistenceId, source: volume.source ?? { type: 'ROOT' } });
  if (!built.ok) throw new Error(`mock volume ${volume.persistenceId}: ${built.reason}`);
  return built.path;
}

/** Create an (empty) volume directory, as Mesos does on CREATE; the task's user owns it. */
export function createVolumeDir(stateDir: string, agentId: string, hostPath: string): void {
  const dir = join(agentRoot(stateDir, agentId), hostPath);
  mkdirSync(dir, { recursive: true });
  giveToTaskUser(dir);
}

/**
 * With the permission model on (mock running as root): volume data belongs to the task's user, each
 * directory 0700 and each file 0600, as a database image leaves its data directory; the volume
 * directories' parents stay root's, 0755. Off: left as created.
 */
function giveToTaskUser(dir: string): void {
  const owner = permissionModel().volumeOwner;
  if (!owner) return;
  const walk = (path: string) => {
    const info = lstatSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    if (!info.isSymbolicLink()) chmodSync(path, info.isDirectory() ? 0o700 : 0o600);
    chownSync(path, owner.uid, owner.gid);
  };
  walk(dir);
}

/**
 * `systemctl` of a mock agent: `--version` answers as that agent's systemd (default 219); `restart`,
 * `is-active`, `daemon-reload` go to the mock's model of the agent's unit (systemd/restart.ts), which the mock
 * SSH server names in the environment of the commands it runs.
 */
function systemctlShim(version: number): string {
  return [
    '#!/bin/sh',
    `if [ "$1" = --version ]; then printf '%s\\n' 'systemd ${version}' '+PAM +AUDIT +SELINUX +IMA -APPARMOR +SMACK +SYSVINIT +UTMP +LIBCRYPTSETUP +GCRYPT +GNUTLS +ACL +XZ'; exit 0; fi`,
    'if [ -n "$STATEFUL_OPS_MOCK_SYSTEMCTL" ]; then exec "$STATEFUL_OPS_MOCK_NODE" "$STATEFUL_OPS_MOCK_SYSTEMCTL" "$(dirname "$0")/.." "$@"; fi',
    'echo "systemctl: this mock agent only answers --version here" >&2',
    'exit 1',
    '',
  ].join('\n');
}

function writeAgentConfig(root: string, agent: MockAgent, mountRoots: string[], dcosVersion: string): void {
  const bin = join(dirname(root), 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'systemctl'), systemctlShim(agent.systemdVersion ?? 219), { mode: 0o755 });
  writeFile(root, 'dcos-metadata/dcos-version.json', `${JSON.stringify({ version: dcosVersion, 'dcos-image-commit': 'f3e2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4', 'bootstrap-id': '0123456789abcdef0123456789abcdef01234567' }, null, 2)}\n`);
  writeFile(root, 'opt/mesosphere/environment', 'PATH=/opt/mesosphere/bin:/usr/bin:/bin\nLD_LIBRARY_PATH=/opt/mesosphere/lib\n');
  writeFile(root, 'opt/mesosphere/etc/proxy.env', '');
  writeFile(root, 'opt/mesosphere/etc/mesos-slave-common', envFileText(generatedSlaveCommon(dcosVersion)));
  writeFile(root, `opt/mesosphere/etc/mesos-slave${agent.public ? '-public' : ''}`, envFileText(generatedRoleFile(agent.public)));
  const handWritten = agent.configFiles ?? {};
  if (agent.operatorOverrides && handWritten['/var/lib/dcos/mesos-slave-common'] === undefined) {
    writeFile(root, 'var/lib/dcos/mesos-slave-common', envFileText(agent.operatorOverrides, '# operator overrides (stateful-ops mock)'));
  }
  for (const [path, text] of Object.entries(handWritten)) writeFile(root, path.replace(/^\/+/, ''), text);
  const resources = mountResources(mountRoots);
  if (resources) writeFile(root, 'var/lib/dcos/mesos-resources', envFileText(resources));
  const unit = unitName(agent.public);
  writeFile(root, `etc/systemd/system/${unit}`, unitFileText(agent.public, dcosVersion));
  mkdirSync(join(root, 'etc/systemd/system/dcos.target.wants'), { recursive: true });
  symlinkSync(`../${unit}`, join(root, 'etc/systemd/system/dcos.target.wants', unit));
  // Every DC/OS node has it (cluster state, the operator's override file lives there).
  mkdirSync(join(root, 'var/lib/dcos'), { recursive: true });
  for (const mount of mountRoots) mkdirSync(join(root, mount), { recursive: true });
  mkdirSync(join(root, WORK_DIR, 'volumes/roles'), { recursive: true });
}

/** (Re)create every agent's filesystem from the state. Removes whatever a previous scenario left. */
export function writeSandboxes(stateDir: string, state: MockState): void {
  rmSync(join(stateDir, 'agents'), { recursive: true, force: true });
  const volumesByAgent = new Map<string, { role: string; volume: MockReservedVolume }[]>();
  for (const r of state.reservations) {
    const list = volumesByAgent.get(r.agentId) ?? [];
    for (const volume of r.volumes) list.push({ role: r.role, volume });
    volumesByAgent.set(r.agentId, list);
  }
  // Orphaned data looks on disk exactly like a volume that is still reserved.
  for (const { agentId, role, persistenceId, containerPath } of state.strayVolumes ?? []) {
    volumesByAgent.set(agentId, [...(volumesByAgent.get(agentId) ?? []), { role, volume: { persistenceId, containerPath, sizeMb: 0 } }]);
  }
  for (const agent of state.agents) {
    const root = agentRoot(stateDir, agent.id);
    const volumes = volumesByAgent.get(agent.id) ?? [];
    const mountRoots = [...new Set(agent.env.MESOS_RESOURCES ? mountRootsOf(agent.env.MESOS_RESOURCES) : [])];
    writeAgentConfig(root, agent, mountRoots, state.dcosVersion);
    const volumeDirs: string[] = [];
    try {
      writeAgentData(root, agent, state, volumes, volumeDirs);
    } finally {
      settleOwnership(root, volumeDirs);
    }
  }
}

/** Volume data (with real files) and the logs of running tasks; the volume directories are collected for their owner. */
function writeAgentData(
  root: string,
  agent: MockAgent,
  state: MockState,
  volumes: { role: string; volume: MockReservedVolume }[],
  volumeDirs: string[],
): void {
  if (!state.sandboxData) return;
  for (const { role, volume } of volumes) {
    const dir = join(root, hostPathOf(role, volume));
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(volumeFiles(volume.persistenceId, volume.containerPath))) {
      writeFile(dir, name, content);
    }
    volumeDirs.push(dir);
  }
  for (const task of state.tasks) {
    if (task.agentId !== agent.id || task.kind !== 'running') continue;
    const run = `${WORK_DIR}/slaves/${agent.id}/frameworks/${state.frameworkId}/executors/${task.id}/runs/latest`;
    writeFile(root, `${run}/stdout`, `Starting task ${task.id}\n`);
    writeFile(root, `${run}/stderr`, '');
  }
}

/** Root's files 0644 and directories 0755 whatever the umask (the login user must get around), then volume data to the task's user. */
function settleOwnership(root: string, volumeDirs: string[]): void {
  if (!permissionModel().volumeOwner) return;
  const walk = (path: string) => {
    const info = lstatSync(path);
    if (info.isSymbolicLink()) return;
    chmodSync(path, info.isDirectory() ? 0o755 : 0o644);
    if (info.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(root);
  for (const dir of volumeDirs) giveToTaskUser(dir);
}

function mountRootsOf(resourcesJson: string): string[] {
  try {
    const parsed = JSON.parse(resourcesJson) as { disk?: { source?: { mount?: { root?: string } } } }[];
    return parsed.map((r) => r.disk?.source?.mount?.root).filter((root): root is string => typeof root === 'string');
  } catch {
    return [];
  }
}

/** What an agent does with a destroyed volume: the directory goes; a MOUNT disk's root is only emptied. */
export function deleteVolumeData(stateDir: string, agentId: string, hostPath: string, keepRoot: boolean): void {
  const dir = join(agentRoot(stateDir, agentId), hostPath);
  if (!keepRoot) {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) rmSync(join(dir, name), { recursive: true, force: true });
}
