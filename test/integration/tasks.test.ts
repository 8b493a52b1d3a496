import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockArgs, runCli, tempDir } from '../helpers/cli.js';
import { ExitCode } from '../../src/core/errors.js';
import { S } from '../helpers/mock-dirs.js';

const WAITING_PID = 'postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d';
const WAITING_UUID = '53ab8733-fd96-11e5-8e70-76a1c19f8c3d';
const WAITING_PID_DEFAULT = WAITING_PID;

const flavours = {
  '1.1': `postgres.${WAITING_UUID}`,
  '1.4': `postgres.${WAITING_UUID}.1`,
  '1.10': `postgres.instance-${WAITING_UUID}._app.1`,
} as const;

interface Row {
  app: string;
  task: string;
  host: string | null;
  agentId: string | null;
  state: string;
  needsManualWipe: boolean;
  volumes: { containerPath: string; persistenceId: string; mesos: { known: boolean | null } }[];
}

for (const [version, waitingTaskId] of Object.entries(flavours)) {
  describe(`tasks against the mock, Marathon ${version}`, () => {
    const { dir, cleanup } = tempDir();
    const cli = (...args: string[]) => runCli([...mockArgs(dir), ...args]);

    beforeAll(async () => {
      const reset = await runCli([...mockArgs(dir), 'mock', 'reset', '--marathon-version', version]);
      expect(reset.code, reset.stderr).toBe(0);
    });
    afterAll(cleanup);

    it('tasks list shows the waiting postgres task with its pgdata volume and flags the lost-agent task', async () => {
      const r = await cli('--json', 'tasks', 'list');
      expect(r.code, r.stderr).toBe(ExitCode.OK);
      const rows = JSON.parse(r.stdout) as Row[];
      const waiting = rows.find((x) => x.task === waitingTaskId);
      expect(waiting).toMatchObject({ app: '/postgres', host: '127.0.0.168', agentId: S(1), state: 'waiting', needsManualWipe: false });
      expect(waiting?.volumes).toEqual([
        expect.objectContaining({ containerPath: "pgdata", persistenceId: WAITING_PID, mesos: expect.objectContaining({ known: null }) }),
      ]);
      const lost = rows.filter((x) => x.agentId === S(2));
      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatchObject({ app: '/postgres', state: 'agent-lost', needsManualWipe: true });
      expect(rows.every((x) => x.state !== 'running')).toBe(true);
      // Sorted by app, then task.
      const keys = rows.map((x) => `${x.app} ${x.task}`);
      expect([...keys].sort()).toEqual(keys);
    });

    it('tasks list renders the DC/OS-style table and warns about lost agents on stderr', async () => {
      const r = await cli('tasks', 'list', '--app', '/postgres');
      expect(r.code, r.stderr).toBe(0);
      const [header, ...lines] = r.stdout.trimEnd().split('\n');
      expect(header).toMatch(/^APP +TASK +HOST +AGENT +STATE +VOLUMES$/);
      expect(lines).toHaveLength(2);
      expect(lines.find((l) => l.includes(waitingTaskId))).toMatch(/^\/postgres +\S+ +127\.0\.0\.168 +\S+-S1 +waiting +pgdata$/);
      expect(lines.find((l) => l.includes('-S2'))).toMatch(/agent-lost +pgdata$/);
      expect(r.stderr).toMatch(/1 task on lost agents/);
    });

    it('--reservations cross-checks each volume with the master', async () => {
      const r = await cli('--json', 'tasks', 'list', '--reservations');
      expect(r.code, r.stderr).toBe(0);
      const rows = JSON.parse(r.stdout) as Row[];
      expect(rows.find((x) => x.task === waitingTaskId)?.volumes[0]?.mesos.known).toBe(true);
      // The lost agent is not listed any more: nothing of its volume is known to Mesos.
      expect(rows.find((x) => x.agentId === S(2))?.volumes[0]?.mesos.known).toBe(false);
    });

    it('--all adds running stateful tasks but never stateless ones', async () => {
      const r = await cli('--json', 'tasks', 'list', '--all');
      const rows = JSON.parse(r.stdout) as Row[];
      expect(rows.some((x) => x.state === 'running' && x.app === '/postgres')).toBe(true);
      expect(rows.some((x) => x.app === '/web/nginx')).toBe(false);
    });

    it('filters by group prefix and by agent', async () => {
      const db = JSON.parse((await cli('--json', 'tasks', 'list', '--app', '/db/')).stdout) as Row[];
      expect(db.length).toBeGreaterThan(0);
      expect(db.every((x) => x.app.startsWith('/db/'))).toBe(true);
      const onS1 = JSON.parse((await cli('--json', 'tasks', 'list', '--agent', '127.0.0.168')).stdout) as Row[];
      expect(onS1.map((x) => x.task)).toEqual([waitingTaskId]);
    });

    it('tasks show prints the host path built from the agent work_dir and the reservation role', async () => {
      const r = await cli('--json', 'tasks', 'show', waitingTaskId);
      expect(r.code, r.stderr).toBe(0);
      const shown = JSON.parse(r.stdout) as { task: Row; volumes: Record<string, unknown>[] };
      expect(shown.task.state).toBe('waiting');
      expect(shown.volumes).toHaveLength(1);
      expect(shown.volumes[0]).toMatchObject({
        containerPath: 'pgdata',
        persistenceId: WAITING_PID,
        role: 'slave_public',
        workDir: '/var/lib/mesos/slave',
        workDirSource: 'agent-flags',
        hostPath: `/var/lib/mesos/slave/volumes/roles/slave_public/${WAITING_PID}`,
        mode: 'RW',
        sizeMb: 512,
        mesos: { reservationKnown: true, volumeKnown: true, inUse: false },
      });
      const text = await cli('tasks', 'show', waitingTaskId);
      expect(text.stdout).toContain(`HOST PATH       /var/lib/mesos/slave/volumes/roles/slave_public/${WAITING_PID}`);
    });
  });
}

describe('tasks: bad input', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);
  beforeAll(async () => {
    expect((await runCli([...mockArgs(dir), 'mock', 'reset'])).code).toBe(0);
  });

  it('a string that is not a Marathon task id is a usage error', async () => {
    const r = await runCli([...mockArgs(dir), 'tasks', 'show', '../../etc/passwd']);
    expect(r.code).toBe(ExitCode.USAGE);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^Error: '\.\.\/\.\.\/etc\/passwd' is not a Marathon task id$/);
    expect(r.stdout).toBe('');
  });

  it('an unknown task of a known app, or of an unknown app, is "not found"', async () => {
    const unknownTask = await runCli([...mockArgs(dir), 'tasks', 'show', 'postgres.instance-00000000-0000-0000-0000-000000000000._app.1']);
    expect(unknownTask.code).toBe(ExitCode.NOT_FOUND);
    expect(unknownTask.stderr).toMatch(/does not exist/);
    const unknownApp = await runCli([...mockArgs(dir), 'tasks', 'show', 'nope.instance-00000000-0000-0000-0000-000000000000._app.1']);
    expect(unknownApp.code).toBe(ExitCode.NOT_FOUND);
    expect(unknownApp.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('Mesos down: Marathon rows still shown, the gap named, exit "partial"', async () => {
    const r = await runCli([...mockArgs(dir), '--json', 'tasks', 'list'], { env: { STATEFUL_OPS_MOCK_FAULTS: 'mesos:status=503' } });
    expect(r.code).toBe(ExitCode.PARTIAL);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((x) => (x as unknown as { agentStatus: string }).agentStatus === 'unknown')).toBe(true);
    expect(r.stderr).toMatch(/Warning: Mesos master: .*lost agents cannot be detected/);
  });

  it('Marathon down: volumes known to Mesos reservations are shown, exit "partial"', async () => {
    const r = await runCli([...mockArgs(dir), '--json', 'tasks', 'list'], { env: { STATEFUL_OPS_MOCK_FAULTS: 'marathon:status=503' } });
    expect(r.code).toBe(ExitCode.PARTIAL);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.find((x) => x.volumes.some((v) => v.persistenceId === WAITING_PID_DEFAULT))).toMatchObject({ app: '/postgres', state: 'unknown' });
    expect(r.stderr).toMatch(/Warning: Marathon: .*reservations only/);
  });

  it('both down: one error line (plus a hint) and the error\'s exit code', async () => {
    const r = await runCli([...mockArgs(dir), 'tasks', 'list', '--timeout', '3'], { env: { STATEFUL_OPS_MOCK_FAULTS: 'all:status=503' } });
    expect(r.code).toBe(ExitCode.UNREACHABLE);
    expect(r.stdout).toBe('');
    expect(r.stderr.match(/^Error: /gm)).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: Marathon answered 503/);
  });

  it('an unknown agent filter is "not found"', async () => {
    const r = await runCli([...mockArgs(dir), 'tasks', 'list', '--agent', 'no-such-agent']);
    expect(r.code).toBe(ExitCode.NOT_FOUND);
  });

  it('volumes list --app gives every volume of the app with host paths', async () => {
    const r = await runCli([...mockArgs(dir), '--json', 'volumes', 'list', '--app', '/db/mysql']);
    expect(r.code, r.stderr).toBe(0);
    const vols = JSON.parse(r.stdout) as { containerPath: string; hostPath: string }[];
    expect(vols.map((v) => v.containerPath).sort()).toEqual(['data', 'logs']);
    for (const v of vols) expect(v.hostPath).toMatch(/^\/var\/lib\/mesos\/slave\/volumes\/roles\/slave_public\/db_mysql#/);
  });
});
