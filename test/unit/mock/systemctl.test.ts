import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentRoot } from '../../../src/mock/paths.js';
import { isRestarting } from '../../../src/mock/render-mesos.js';
import { readStateFile } from '../../../src/mock/store.js';
import { systemctl } from '../../../src/mock/systemd/restart.js';
import { defaultMockDirs, S } from '../../helpers/mock-dirs.js';

const ROOT = { USER: 'root' };
const newMockDir = defaultMockDirs();

function mock() {
  const dir = newMockDir();
  const agent = (n: number) => readStateFile(dir)?.agents.find((a) => a.id === S(n));
  const tasks = (fw: string, n: number) => readStateFile(dir)?.otherFrameworks?.find((f) => f.name === fw)?.tasks.filter((t) => t.agentId === S(n)) ?? [];
  return { dir, agent, tasks };
}

describe("the mock agents' systemctl", () => {
  it('answers like systemd: root only (exit 4), unknown unit (exit 5), unknown verb (exit 1)', async () => {
    const m = mock();
    expect(await systemctl(m.dir, S(0), ['restart', 'dcos-mesos-slave'], { USER: 'centos' })).toEqual({
      code: 4,
      stdout: '',
      stderr: "Failed to restart dcos-mesos-slave.service: Interactive authentication required.\nSee system logs and 'systemctl status dcos-mesos-slave.service' for details.\n",
    });
    expect(await systemctl(m.dir, S(4), ['restart', 'dcos-mesos-slave.service'], ROOT)).toMatchObject({ code: 5, stderr: 'Failed to restart dcos-mesos-slave.service: Unit dcos-mesos-slave.service not found.\n' });
    expect(await systemctl(m.dir, S(0), ['frobnicate'], ROOT)).toMatchObject({ code: 1, stderr: 'Unknown command verb frobnicate.\n' });
    expect(m.agent(0)?.restart).toBeUndefined();
  });

  it('a restart reads the files again: the new values reach /flags, checkpointed executors reconnect, the others die', async () => {
    const m = mock();
    writeFileSync(join(agentRoot(m.dir, S(0)), 'var/lib/dcos/mesos-slave-common'), 'MESOS_RECOVERY_TIMEOUT=36hrs\n');
    expect(m.tasks('jenkins', 0).length).toBeGreaterThan(0);
    expect(await systemctl(m.dir, S(0), ['restart', 'dcos-mesos-slave'], ROOT)).toEqual({ code: 0, stdout: '', stderr: '' });
    const a = m.agent(0);
    expect(a?.env.MESOS_RECOVERY_TIMEOUT).toBe('36hrs');
    expect(isRestarting(a as NonNullable<typeof a>)).toBe(true);
    expect(isRestarting(a as NonNullable<typeof a>, (a?.restart?.reregisterAt as number) + 1)).toBe(false);
    expect(m.tasks('jenkins', 0)).toEqual([]); // no checkpointing
    const postgres = readStateFile(m.dir)?.tasks.find((t) => t.agentId === S(0) && t.appId === '/postgres');
    expect(postgres?.kind).toBe('running'); // Marathon checkpoints: the same task
  });

  it('recover=cleanup kills every executor and the agent never re-registers; a missing required file fails the job', async () => {
    const m = mock();
    expect(m.tasks('metronome', 1)).toHaveLength(1);
    expect((await systemctl(m.dir, S(1), ['restart', 'dcos-mesos-slave'], ROOT)).code).toBe(0);
    expect(m.tasks('metronome', 1)).toEqual([]);
    expect(m.agent(1)?.restart).toMatchObject({ reregisterAt: null, failed: true });

    rmSync(join(agentRoot(m.dir, S(3)), 'opt/mesosphere/etc/proxy.env'));
    expect(await systemctl(m.dir, S(3), ['restart', 'dcos-mesos-slave'], ROOT)).toMatchObject({
      code: 1,
      stderr: 'Job for dcos-mesos-slave.service failed because of unavailable resources or another system error.\nSee "systemctl status dcos-mesos-slave.service" and "journalctl -xe" for details.\n',
    });
    expect(await systemctl(m.dir, S(3), ['is-active', 'dcos-mesos-slave'], ROOT)).toMatchObject({ code: 3, stdout: 'failed\n' });
  });

  it('the no-reregister fault keeps a restarted agent away from the master', async () => {
    const m = mock();
    expect((await systemctl(m.dir, S(3), ['restart', 'dcos-mesos-slave'], { ...ROOT, STATEFUL_OPS_MOCK_AGENT_FAULT: 'no-reregister' })).code).toBe(0);
    expect(m.agent(3)?.restart).toMatchObject({ reregisterAt: null, failed: false });
    expect(await systemctl(m.dir, S(3), ['is-active', 'dcos-mesos-slave'], ROOT)).toMatchObject({ code: 0, stdout: 'active\n' });
  });
});
