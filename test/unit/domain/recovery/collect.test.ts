import { describe, expect, it } from 'vitest';
import { collectAgentConfig, type ConfigReader, type PathContent } from '../../../../src/domain/recovery/collect.js';

const UNIT = '/etc/systemd/system/dcos-mesos-slave.service';
const PUBLIC_UNIT = '/etc/systemd/system/dcos-mesos-slave-public.service';
const UNIT_TEXT = [
  '[Service]',
  'EnvironmentFile=/opt/mesosphere/etc/mesos-slave-common',
  'EnvironmentFile=-/var/lib/dcos/mesos-slave-common',
  'EnvironmentFile=-/etc/custom/agent-extra.env',
  'ExecStart=/bin/mesos-agent',
].join('\n');

/** An agent's files in memory; records each round of reads. */
function agentFiles(files: Record<string, PathContent>, version: string | null = 'systemd 252 (252.38-1~deb12u1)') {
  const rounds: string[][] = [];
  const reader: ConfigReader = {
    async read(paths) {
      rounds.push([...paths]);
      return new Map(paths.map((p) => [p, files[p] ?? { kind: 'absent' }]));
    },
    systemctlVersion: () => version,
  };
  return { reader, rounds };
}
const file = (text: string): PathContent => ({ kind: 'file', text });

describe('reading an agent configuration in rounds', () => {
  it('reads the units and the standard DC/OS files at once, then only what the unit adds', async () => {
    const { reader, rounds } = agentFiles({
      [UNIT]: file(UNIT_TEXT),
      '/opt/mesosphere/etc/mesos-slave-common': file('MESOS_RECOVERY_TIMEOUT=24hrs\n'),
      '/etc/custom/agent-extra.env': file('MESOS_STRICT=false\n'),
    });
    const collected = await collectAgentConfig(reader, { offline: false });
    expect(rounds).toHaveLength(2);
    expect(rounds[0]).toEqual(expect.arrayContaining([UNIT, PUBLIC_UNIT, `${UNIT}.d`, '/var/lib/dcos/mesos-slave-common', '/etc/mesosphere/mesos/agent-public.env']));
    expect(rounds[1]).toEqual(['/etc/custom/agent-extra.env']);
    expect(collected.unitPath).toBe(UNIT);
    expect(collected.envFiles.map((f) => [f.path, f.text !== null, f.declaredAt?.line])).toEqual([
      ['/opt/mesosphere/etc/mesos-slave-common', true, 2],
      ['/var/lib/dcos/mesos-slave-common', false, 3],
      ['/etc/custom/agent-extra.env', true, 4],
    ]);
    expect(collected.readFindings).toEqual([]);
  });

  it('reads drop-ins (*.conf, in name order) in the second round, and files only a drop-in adds in a third', async () => {
    const { reader, rounds } = agentFiles({
      [UNIT]: file(UNIT_TEXT),
      [`${UNIT}.d`]: { kind: 'directory', names: ['README', 'b.conf', 'a.conf'] },
      [`${UNIT}.d/a.conf`]: file('[Service]\nKillMode=process\n'),
      [`${UNIT}.d/b.conf`]: file('[Service]\nKillMode=mixed\nEnvironmentFile=/etc/late.env\n'),
      '/etc/late.env': file('MESOS_RECOVER=cleanup\n'),
    });
    const collected = await collectAgentConfig(reader, { offline: false });
    expect(rounds.slice(1)).toEqual([[`${UNIT}.d/a.conf`, `${UNIT}.d/b.conf`, '/etc/custom/agent-extra.env'], ['/etc/late.env']]);
    expect(collected.dropIns).toEqual([`${UNIT}.d/a.conf`, `${UNIT}.d/b.conf`]);
    expect(collected.unit?.killMode).toEqual({ value: 'mixed', file: `${UNIT}.d/b.conf`, line: 2 });
    expect(collected.envFiles.at(-1)).toMatchObject({ path: '/etc/late.env', text: 'MESOS_RECOVER=cleanup\n' });
  });

  it('prefers the public unit when both exist and the master says the agent is public', async () => {
    const files = { [UNIT]: file(UNIT_TEXT), [PUBLIC_UNIT]: file('[Service]\nEnvironmentFile=/opt/mesosphere/etc/mesos-slave-public\n') };
    expect((await collectAgentConfig(agentFiles(files).reader, { offline: false, preferPublic: true })).unitPath).toBe(PUBLIC_UNIT);
    expect((await collectAgentConfig(agentFiles(files).reader, { offline: false })).unitPath).toBe(UNIT);
  });

  it('without a unit, assumes the DC/OS order and says so; unreadable files are findings, not missing files', async () => {
    const { reader } = agentFiles({
      '/opt/mesosphere/etc/mesos-slave-common': { kind: 'unreadable', reason: 'permission denied, try --sudo' },
      '/var/lib/dcos/mesos-slave-common': file('MESOS_STRICT=false\n'),
    });
    const collected = await collectAgentConfig(reader, { offline: false });
    expect(collected.unit).toBeNull();
    expect(collected.readFindings.map((f) => `${f.severity}:${f.rule}`)).toEqual(['error:unit-not-found', 'error:unreadable']);
    expect(collected.envFiles.map((f) => f.path)).not.toContain('/opt/mesosphere/etc/mesos-slave-common');
    expect(collected.envFiles.find((f) => f.path === '/var/lib/dcos/mesos-slave-common')?.text).toBe('MESOS_STRICT=false\n');
    const offline = await collectAgentConfig(agentFiles({}).reader, { offline: true });
    expect(offline.readFindings[0]).toMatchObject({ rule: 'unit-not-found', severity: 'info' });
  });
});
