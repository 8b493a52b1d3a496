import { persistenceIdFor, reservationLabelFor } from './ids.js';
import type { MockState } from './types.js';

/**
 * The leftovers `volumes orphans` must find in the default scenario, and nothing else (seed note:
 * "disk consumption", "non-unique roles"):
 * - orphan data on S5: `postgres#pgdata#2b7e1f30-…` under roles/slave_public, destroyed by a Mesos 0.28
 *   that left the data on disk — no reservation, no task;
 * - an orphan reservation on S3: labelled with Marathon's framework id and a `/db/mysql` instance that
 *   Marathon no longer has (its state was restored from an older ZooKeeper backup), with a volume;
 * - a reservation of another framework on Marathon's role on S0: a second Marathon ("marathon-user",
 *   framework `…-0007`, no longer registered) reserved `slave_public` resources for its `/jenkins`.
 */

const AGENT_PREFIX = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-S';
const SEED_NODE = 'fd96-11e5-8e70-76a1c19f8c3d';
const NEW_NODE = '0a4f-11ec-9a03-0242ac130003';
export const OTHER_MARATHON_FRAMEWORK_ID = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-0007';

export function plantOrphans(state: MockState): void {
  state.strayVolumes = [
    {
      agentId: `${AGENT_PREFIX}5`,
      role: state.mesosRole,
      persistenceId: persistenceIdFor('/postgres', 'pgdata', `2b7e1f30-${SEED_NODE}`),
      containerPath: 'pgdata',
    },
  ];
  state.reservations.push(
    {
      agentId: `${AGENT_PREFIX}3`,
      role: state.mesosRole,
      principal: state.principal,
      labels: [
        { key: 'marathon_framework_id', value: state.frameworkId },
        { key: 'marathon_task_id', value: reservationLabelFor(state.flavour, '/db/mysql', `6a1e3b52-${NEW_NODE}`) },
      ],
      cpus: 0.5,
      mem: 1024,
      volumes: [{ persistenceId: persistenceIdFor('/db/mysql', 'data', `6a1e3b51-${NEW_NODE}`), containerPath: 'data', sizeMb: 1024 }],
    },
    {
      agentId: `${AGENT_PREFIX}0`,
      role: state.mesosRole,
      principal: state.principal,
      labels: [
        { key: 'marathon_framework_id', value: OTHER_MARATHON_FRAMEWORK_ID },
        { key: 'marathon_task_id', value: `jenkins.3c9d7e21-${NEW_NODE}` },
      ],
      cpus: 1,
      mem: 2048,
      volumes: [{ persistenceId: persistenceIdFor('/jenkins', 'jenkins_home', `3c9d7e20-${NEW_NODE}`), containerPath: 'jenkins_home', sizeMb: 2048 }],
    },
  );
}
