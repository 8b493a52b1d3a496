import { PKG_PATH } from './agent-config.js';
import { addTask, emptyState, newAgent } from './scenario-builder.js';
import { plantOrphans } from './scenario-orphans.js';
import type { MarathonFlavour, MockApp, MockState } from './types.js';

/**
 * The `default` scenario. Commands, tests and docs rely on these exact facts:
 * six agents `…-S0`…`-S5` on 127.0.0.167–172, S2 lost, S4 public; `/postgres` with a running task on S0
 * (the reference fixtures' task), a waiting one on S1 (the seed's `53ab8733-…`) and one on the lost S2;
 * `/db/mysql` waiting on S3 with two volumes; `/kafka/broker` on a MOUNT disk on S4; `/web/nginx` stateless
 * on S0/S5 with a deployment in progress (for 409s).
 *
 * Each agent's recovery configuration tells a story `agent recovery-config` must see through:
 * S0 DC/OS defaults only; S1 an upgrade playbook's leftovers in agent.env (recover=cleanup, strict=false,
 * a 4-week recovery_timeout); S2 lost (unreachable over SSH); S3 a legitimate override in
 * /var/lib/dcos/mesos-slave-common (48hrs, which /flags prints as 2days); S4 a unit drop-in copied from
 * Mesos's doc (KillMode=control-cgroup, RestartSec=6min, --recovery_timeout=10mins on ExecStart); S5 an
 * override file edited after the agent started (a `#` comment glued to the value, an `export` line, the
 * `equal` policy removed while the running agent still uses it).
 *
 * Two more frameworks run stateless tasks (for `agent restart-check` and maintenance): `jenkins` without
 * checkpointing on S0, `metronome` (checkpointing, not partition-aware) on S1 and S4.
 */

const AGENT_PREFIX = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-S';
const SEED_NODE = 'fd96-11e5-8e70-76a1c19f8c3d';
const NEW_NODE = '0a4f-11ec-9a03-0242ac130003';

/** Dates of the reference fixtures per flavour, so the renderer can be compared with them field by field. */
const DAY: Record<MarathonFlavour, string> = { '1.1': '2016-04-08', '1.4': '2017-09-12', '1.10': '2020-07-29' };

const UPGRADE_LEFTOVERS = { MESOS_RECOVER: 'cleanup', MESOS_STRICT: 'false', MESOS_RECOVERY_TIMEOUT: '4weeks' };
const UPGRADE_LEFTOVERS_FILE = [
  '# Written by the mesos-upgrade playbook (incompatible executor upgrade).',
  '# Remove once the upgrade window is over.',
  ...Object.entries(UPGRADE_LEFTOVERS).map(([k, v]) => `${k}=${v}`),
  '',
].join('\n');

const DOC_DROP_IN = [
  '# Copied from the Mesos agent recovery guide.',
  '[Service]',
  'KillMode=control-cgroup',
  '# Give a crashed agent time to release its ports.',
  'RestartSec=6min',
  'ExecStart=',
  `ExecStart=${PKG_PATH}/bin/start_mesos.sh ${PKG_PATH}/bin/mesos-agent \\`,
  '    --recovery_timeout=10mins',
  '',
].join('\n');

const EDITED_OVERRIDES = [
  '# Operator overrides (OPS-977).',
  '# MESOS_RECONFIGURATION_POLICY=equal removed 2021-09-30.',
  'MESOS_RECOVERY_TIMEOUT=2days  # raised for the storage migration',
  'export MESOS_EXECUTOR_REREGISTRATION_TIMEOUT=15secs',
  '',
].join('\n');

export function defaultScenario(flavour: MarathonFlavour): MockState {
  const state = emptyState('default', flavour);
  const day = DAY[flavour];
  const at = (time: string) => `${day}T${time}Z`;
  const registered = Date.parse(at('08:00:00.000')) / 1000;

  const agents = [
    newAgent({ id: `${AGENT_PREFIX}0`, hostname: '127.0.0.167', registeredTime: registered }),
    newAgent({
      id: `${AGENT_PREFIX}1`,
      hostname: '127.0.0.168',
      registeredTime: registered + 1.5,
      operatorOverrides: UPGRADE_LEFTOVERS,
      configFiles: { '/etc/mesosphere/mesos/agent.env': UPGRADE_LEFTOVERS_FILE },
    }),
    newAgent({ id: `${AGENT_PREFIX}2`, hostname: '127.0.0.169', registeredTime: registered + 2.25, lost: true }),
    newAgent({
      id: `${AGENT_PREFIX}3`,
      hostname: '127.0.0.170',
      registeredTime: registered + 3.5,
      operatorOverrides: { MESOS_RECOVERY_TIMEOUT: '48hrs' },
      configFiles: { '/var/lib/dcos/mesos-slave-common': '# Longer recovery for the nightly MySQL restores (OPS-412).\nMESOS_RECOVERY_TIMEOUT="48hrs"\n' },
    }),
    newAgent({
      id: `${AGENT_PREFIX}4`,
      hostname: '127.0.0.171',
      registeredTime: registered + 4.75,
      public: true,
      mountRoots: ['/dcos/volume0'],
      configFiles: { '/etc/systemd/system/dcos-mesos-slave-public.service.d/recovery.conf': DOC_DROP_IN },
      commandLineFlags: { recovery_timeout: '10mins' },
    }),
    newAgent({
      id: `${AGENT_PREFIX}5`,
      hostname: '127.0.0.172',
      registeredTime: registered + 5.5,
      // What the running agent started with; the file has been edited since (EDITED_OVERRIDES).
      operatorOverrides: { MESOS_RECONFIGURATION_POLICY: 'equal' },
      configFiles: { '/var/lib/dcos/mesos-slave-common': EDITED_OVERRIDES },
    }),
  ];
  state.agents = agents;
  const [s0, s1, s2, s3, s4, s5] = agents as [typeof agents[0], typeof agents[0], typeof agents[0], typeof agents[0], typeof agents[0], typeof agents[0]];

  const postgres: MockApp = {
    id: '/postgres',
    // The lost agent's task counts as launched from 1.4 (TASK_UNREACHABLE); 1.1 shows it reserved, so
    // with 2 wanted Marathon 1.1 would relaunch S1's reservation at once: that cluster wants 1.
    instances: flavour === '1.1' ? 1 : 2,
    cpus: 0.1,
    mem: 32,
    disk: 0,
    image: 'postgres:9.6',
    volumes: [{ containerPath: 'pgdata', sizeMb: 512, type: 'root' }],
    upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
    servicePorts: [10000],
    labels: {},
    version: at('09:11:58.924'),
  };
  const mysql: MockApp = {
    id: '/db/mysql',
    instances: 0,
    cpus: 0.5,
    mem: 1024,
    disk: 0,
    image: 'mysql:5.7',
    volumes: [
      { containerPath: 'data', sizeMb: 1024, type: 'root' },
      { containerPath: 'logs', sizeMb: 256, type: 'root' },
    ],
    upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
    servicePorts: [10001],
    labels: {},
    version: at('07:30:00.000'),
  };
  const kafka: MockApp = {
    id: '/kafka/broker',
    instances: 1,
    cpus: 0.1,
    mem: 32,
    disk: 0,
    image: 'confluentinc/cp-kafka:5.5.0',
    volumes: [{ containerPath: 'data', sizeMb: 4096, type: 'mount' }],
    upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
    servicePorts: [10002],
    labels: {},
    version: at('06:45:12.500'),
  };
  const nginx: MockApp = {
    id: '/web/nginx',
    instances: 2,
    cpus: 0.25,
    mem: 128,
    disk: 0,
    image: 'nginx:1.19',
    volumes: [],
    upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
    servicePorts: [10003],
    labels: {},
    version: at('10:02:41.000'),
  };
  state.apps = [postgres, mysql, kafka, nginx];

  addTask(state, {
    app: postgres, agent: s0, kind: 'running', uuid: `4f2a1c11-${SEED_NODE}`, volumeUuids: [`4f2a1c10-${SEED_NODE}`],
    incarnation: 2, stagedAt: at('09:12:01.102'), startedAt: at('09:12:05.351'), ports: [31754], ipAddresses: ['127.0.1.2'],
  });
  addTask(state, {
    app: postgres, agent: s1, kind: 'waiting', uuid: `53ab8733-${SEED_NODE}`, volumeUuids: [`53ab8732-${SEED_NODE}`],
    incarnation: 1, stagedAt: at('09:12:02.240'), startedAt: at('09:12:06.018'), ports: [], ipAddresses: ['127.0.1.3'],
    lastState: 'TASK_KILLED',
  });
  addTask(state, {
    app: postgres, agent: s2, kind: 'unreachable', uuid: `5e0c4a21-${SEED_NODE}`, volumeUuids: [`5e0c4a20-${SEED_NODE}`],
    incarnation: 1, stagedAt: at('09:12:03.377'), startedAt: at('09:12:07.912'), ports: [31822], ipAddresses: ['127.0.1.4'],
  });
  addTask(state, {
    app: mysql, agent: s3, kind: 'waiting', uuid: `6a1e3b42-${NEW_NODE}`, volumeUuids: [`6a1e3b40-${NEW_NODE}`, `6a1e3b41-${NEW_NODE}`],
    incarnation: 3, stagedAt: at('07:31:10.000'), startedAt: at('07:31:14.000'), ports: [], ipAddresses: ['127.0.1.5'],
    lastState: 'TASK_KILLED',
  });
  addTask(state, {
    app: kafka, agent: s4, kind: 'running', uuid: `7b1c1e53-${NEW_NODE}`, volumeUuids: [`7b1c1e52-${NEW_NODE}`],
    incarnation: 1, stagedAt: at('06:46:00.125'), startedAt: at('06:46:09.870'), ports: [31090], ipAddresses: ['127.0.1.6'],
    mountRoot: '/dcos/volume0',
  });
  addTask(state, {
    app: nginx, agent: s0, kind: 'running', uuid: `8c2d2f61-${NEW_NODE}`, volumeUuids: [],
    incarnation: 1, stagedAt: at('10:03:00.001'), startedAt: at('10:03:02.450'), ports: [31080], ipAddresses: ['127.0.1.7'],
  });
  addTask(state, {
    app: nginx, agent: s5, kind: 'running', uuid: `8c2d2f62-${NEW_NODE}`, volumeUuids: [],
    incarnation: 1, stagedAt: at('10:03:00.002'), startedAt: at('10:03:02.980'), ports: [31081], ipAddresses: ['127.0.1.8'],
  });

  state.deployments = [{ id: '97c136bf-5a28-4821-9d94-480d9fbb01c8', version: at('10:05:00.000'), affectedApps: [nginx.id] }];
  plantOrphans(state);
  state.otherFrameworks = [
    {
      // Jenkins registers without checkpointing: its build agents die with any mesos-agent restart.
      id: 'd935ca7e-e29d-4503-94e7-25fe9f16847c-0003',
      name: 'jenkins',
      checkpoint: false,
      partitionAware: false,
      inverseOffers: 'ACCEPT',
      tasks: [{ id: `jenkins-agent-linux.9d3e4f70-${NEW_NODE}`, name: 'jenkins-agent-linux', agentId: s0.id, cpus: 0.5, mem: 512 }],
    },
    {
      // Metronome checkpoints but is not partition-aware, and declines inverse offers while a job runs.
      id: 'd935ca7e-e29d-4503-94e7-25fe9f16847c-0004',
      name: 'metronome',
      checkpoint: true,
      partitionAware: false,
      inverseOffers: 'DECLINE',
      tasks: [
        { id: `backup_nightly.ae4f5a81-${NEW_NODE}`, name: 'backup_nightly', agentId: s1.id, cpus: 0.2, mem: 128 },
        { id: `logrotate.bf506b92-${NEW_NODE}`, name: 'logrotate', agentId: s4.id, cpus: 0.1, mem: 32 },
      ],
    },
  ];
  return state;
}
