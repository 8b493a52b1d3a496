import { describe, expect, it } from 'vitest';
import type { StatefulTaskView } from '../../../src/domain/stateful-tasks.js';
import type { VolumeDetail } from '../../../src/domain/volume-details.js';
import { expungeRequest, fenceBaseOf, remoteRefusals, staticRefusals, volumePlan } from '../../../src/domain/wipe-plan.js';

const TASK = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';
const PID = 'postgres#pgdata#53ab8732-fd96-11e5-8e70-76a1c19f8c3d';
const WORK = '/var/lib/mesos/slave';

const task = (over: Partial<StatefulTaskView> = {}): StatefulTaskView => ({
  app: '/postgres',
  task: TASK,
  host: '127.0.0.168',
  agentId: 'S1',
  state: 'waiting',
  marathonState: 'TASK_KILLED',
  agentStatus: 'active',
  needsManualWipe: true,
  note: null,
  role: 'slave_public',
  volumes: [],
  ...over,
});

const volume = (over: Partial<VolumeDetail> = {}): VolumeDetail => ({
  app: '/postgres',
  task: TASK,
  agentId: 'S1',
  host: '127.0.0.168',
  taskState: 'waiting',
  containerPath: 'pgdata',
  persistenceId: PID,
  persistenceIdValid: true,
  persistenceIdProblem: null,
  mode: 'RW',
  sizeMb: 512,
  type: 'root',
  role: 'slave_public',
  roleSource: 'task',
  workDir: WORK,
  workDirSource: 'agent-flags',
  hostPath: `${WORK}/volumes/roles/slave_public/${PID}`,
  hostPathProblem: null,
  isMountRoot: false,
  mesos: { reservationKnown: true, volumeKnown: true, inUse: false, source: 'ROOT' },
  diskRoots: { mount: ['/dcos/volume0'], path: [] },
  sizeOnDisk: null,
  notes: [],
  ...over,
});

const mount = (over: Partial<VolumeDetail> = {}) =>
  volume({ type: 'mount', hostPath: '/dcos/volume0', isMountRoot: true, mesos: { reservationKnown: true, volumeKnown: true, inUse: false, source: 'MOUNT' }, ...over });

describe('staticRefusals', () => {
  it('passes a waiting task whose volume path rebuilds exactly', () => {
    expect(staticRefusals({ task: task(), volumes: [volume()] }, false)).toEqual([]);
  });

  it('refuses a running task with the scale-down hint, and an agent-lost one without --skip-data', () => {
    expect(staticRefusals({ task: task({ state: 'running' }), volumes: [volume()] }, false).join()).toMatch(/scale the app down/);
    expect(staticRefusals({ task: task({ state: 'agent-lost', agentStatus: 'gone' }), volumes: [volume()] }, false).join()).toMatch(/--skip-data/);
  });

  it('refuses a host path that does not rebuild to <work_dir>/volumes/roles/<role>/<id>', () => {
    const reasons = staticRefusals({ task: task(), volumes: [volume({ hostPath: `${WORK}/volumes/roles/slave_public/../../etc` })] }, false);
    expect(reasons.length).toBeGreaterThan(0);
  });

  it('accepts a MOUNT root only when the agent was started with it and the app declares a mount volume', () => {
    expect(staticRefusals({ task: task(), volumes: [mount()] }, false)).toEqual([]);
    expect(staticRefusals({ task: task(), volumes: [mount({ diskRoots: { mount: ['/dcos/volume1'], path: [] } })] }, false).join()).toMatch(
      /not one of the agent's configured MOUNT disks \(\/dcos\/volume1\)/,
    );
    expect(staticRefusals({ task: task(), volumes: [mount({ diskRoots: null })] }, false).join()).toMatch(/could not be read/);
    expect(staticRefusals({ task: task(), volumes: [mount({ type: 'root' })] }, false).join()).toMatch(/declares a root volume/);
  });

  it('refuses to guess work_dir when the agent /flags could not be read', () => {
    expect(staticRefusals({ task: task(), volumes: [volume({ workDirSource: 'dcos-default' })] }, false).join()).toMatch(/refusing to guess/);
  });
});

describe('remoteRefusals', () => {
  const dir = { type: 'directory', isSymlink: false, isMountPoint: false };
  it('refuses what is not a real directory on its filesystem, and an absent one unless this run deleted it', () => {
    expect(remoteRefusals(volume(), { stat: dir }, false)).toEqual([]);
    expect(remoteRefusals(volume(), { stat: { ...dir, isSymlink: true, type: 'symlink' } }, false).join()).toMatch(/symbolic link/);
    expect(remoteRefusals(volume(), { stat: { ...dir, isMountPoint: true } }, false).join()).toMatch(/mount point/);
    expect(remoteRefusals(volume(), { stat: null }, false).join()).toMatch(/does not exist/);
    expect(remoteRefusals(volume(), { stat: null }, true)).toEqual([]);
    expect(remoteRefusals(mount(), { stat: dir }, false).join()).toMatch(/should be a MOUNT disk's mount point/);
  });
});

describe('volumePlan', () => {
  const facts = { stat: { type: 'directory', isSymlink: false, isMountPoint: false, device: 65024, inode: 42 }, size: { bytes: 100, entries: 9 } };
  it('carries what the delete checks against: the fence base and the device:inode seen', () => {
    const plan = volumePlan(volume(), facts);
    expect(plan).toMatchObject({ bytes: 100, entries: 9, fenceBase: WORK, deviceInode: '65024:42', deleteAgain: false });
    expect(volumePlan(mount(), facts).fenceBase).toBe('/dcos/volume0');
  });

  it('plans a journaled delete again when entries are back on disk (the journal never overrides the disk)', () => {
    expect(volumePlan(volume(), facts, true).deleteAgain).toBe(true);
    expect(volumePlan(volume(), { ...facts, size: { bytes: 0, entries: 0 } }, true).deleteAgain).toBe(false);
  });

  it('finds the fence base of a PATH disk volume at its disk root', () => {
    expect(fenceBaseOf({ hostPath: `/mnt/path0/volumes/roles/r/${PID}`, isMountRoot: false, workDir: WORK })).toBe('/mnt/path0');
  });
});

describe('expungeRequest', () => {
  it('is the per-task endpoint with every segment encoded, never the app-wide one', () => {
    expect(expungeRequest('/db/mysql', 'db_mysql.x#y')).toEqual({ method: 'DELETE', path: '/v2/apps/db/mysql/tasks/db_mysql.x%23y?wipe=true' });
  });
});
