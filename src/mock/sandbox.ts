import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** Where Mesos keeps a ROOT-disk volume: `<work_dir>/volumes/roles/<role, / → space>/<persistence id>`. */
export function rootVolumePath(role: string, persistenceId: string): string {
  return `${WORK_DIR}/volumes/roles/${role.split('/').join(' ')}/${persistenceId}`;
}

export function hostPathOf(role: string, volume: MockReservedVolume): string {
  return volume.source ? volume.source.root : rootVolumePath(role, volume.persistenceId);
}

/** Create an (empty) volume directory, as Mesos does on CREATE. */
export function createVolumeDir(stateDir: string, agentId: string, hostPath: string): void {
  mkdirSync(join(agentRoot(stateDir, agentId), hostPath), { recursive: true });
}

function writeAgentConfig(root: string, agent: MockAgent, mountRoots: string[]): void {
  writeFile(root, 'opt/mesosphere/environment', 'PATH=/opt/mesosphere/bin:/usr/bin:/bin\nLD_LIBRARY_PATH=/opt/mesosphere/lib\n');
  writeFile(root, 'opt/mesosphere/etc/proxy.env', '');
  writeFile(root, 'opt/mesosphere/etc/mesos-slave-common', envFileText(generatedSlaveCommon()));
  writeFile(root, `opt/mesosphere/etc/mesos-slave${agent.public ? '-public' : ''}`, envFileText(generatedRoleFile(agent.public)));
  const handWritten = agent.configFiles ?? {};
  if (agent.operatorOverrides && handWritten['/var/lib/dcos/mesos-slave-common'] === undefined) {
    writeFile(root, 'var/lib/dcos/mesos-slave-common', envFileText(agent.operatorOverrides, '# operator overrides (stateful-ops mock)'));
  }
  for (const [path, text] of Object.entries(handWritten)) writeFile(root, path.replace(/^\/+/, ''), text);
  const resources = mountResources(mountRoots);
  if (resources) writeFile(root, 'var/lib/dcos/mesos-resources', envFileText(resources));
  const unit = unitName(agent.public);
  writeFile(root, `etc/systemd/system/${unit}`, unitFileText(agent.public));
  mkdirSync(join(root, 'etc/systemd/system/dcos.target.wants'), { recursive: true });
  symlinkSync(`../${unit}`, join(root, 'etc/systemd/system/dcos.target.wants', unit));
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
    writeAgentConfig(root, agent, mountRoots);
    if (!state.sandboxData) continue;
    for (const { role, volume } of volumes) {
      const dir = join(root, hostPathOf(role, volume));
      mkdirSync(dir, { recursive: true });
      for (const [name, content] of Object.entries(volumeFiles(volume.persistenceId, volume.containerPath))) {
        writeFile(dir, name, content);
      }
    }
    for (const task of state.tasks) {
      if (task.agentId !== agent.id || task.kind !== 'running') continue;
      const run = `${WORK_DIR}/slaves/${agent.id}/frameworks/${state.frameworkId}/executors/${task.id}/runs/latest`;
      writeFile(root, `${run}/stdout`, `Starting task ${task.id}\n`);
      writeFile(root, `${run}/stderr`, '');
    }
  }
}

function mountRootsOf(resourcesJson: string): string[] {
  try {
    const parsed = JSON.parse(resourcesJson) as { disk?: { source?: { mount?: { root?: string } } } }[];
    return parsed.map((r) => r.disk?.source?.mount?.root).filter((root): root is string => typeof root === 'string');
  } catch {
    return [];
  }
}
