import { beforeAll, expect, it } from 'vitest';
import { agentFlags } from '../../src/mock/agent-config.js';
import { renderTask } from '../../src/mock/render-marathon.js';
import { indexCluster, renderMasterAgent } from '../../src/mock/render-mesos.js';
import { defaultScenario } from '../../src/mock/scenario-default.js';
import type { MarathonFlavour } from '../../src/mock/types.js';
import { describeWithReference, referenceJson } from '../helpers/reference.js';
import { S } from '../helpers/mock-dirs.js';

const reference = (path: string): unknown => referenceJson(path);

type Obj = Record<string, unknown>;

/** Recursive key structure: what a client can rely on being present. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Obj).map(([k, v]) => [k, shape(v)]));
  }
  return value === null ? 'null' : typeof value;
}

/** The two postgres tasks of the fixtures (running on S0, waiting on S1), as the mock renders them. */
function renderedFixtureTasks(flavour: MarathonFlavour): Obj[] {
  const state = defaultScenario(flavour);
  const agents = new Map(state.agents.map((a) => [a.id, a]));
  return state.tasks
    .filter((t) => t.appId === '/postgres' && (t.agentId === S(0) || t.agentId === S(1)))
    .map((t) => renderTask(state, t, agents.get(t.agentId), { withAppId: true }));
}

describeWithReference('Marathon task JSON vs the reference fixtures', () => {
  const cases: [MarathonFlavour, string][] = [
    ['1.1', 'marathon/v1.1-app-tasks-waiting.json'],
    ['1.4', 'marathon/v1.4-app-tasks-waiting.json'],
    ['1.10', 'marathon/v1.10-app-tasks-waiting.json'],
  ];
  for (const [flavour, file] of cases) {
    it(`${flavour}: same keys, same order, same values as ${file}`, () => {
      let expected = (reference(file) as { tasks: Obj[] }).tasks;
      // The fixture is 1.1.7; the mock's 1.1 is 1.1.1, which has no `state` at all (README §a).
      if (flavour === '1.1') expected = expected.map(({ state: _state, ...rest }) => rest);
      const actual = renderedFixtureTasks(flavour);
      expect(actual).toEqual(expected);
      expect(actual.map((t) => Object.keys(t))).toEqual(expected.map((t) => Object.keys(t)));
    });
  }

  it('the waiting task follows the per-version presence table', () => {
    const waiting = (flavour: MarathonFlavour) => renderedFixtureTasks(flavour).find((t) => t.slaveId === S(1)) as Obj;
    expect(waiting('1.1')).not.toHaveProperty('state');
    expect(waiting('1.4')).toMatchObject({ state: 'TASK_STAGING' });
    expect(waiting('1.10')).toMatchObject({ state: 'TASK_KILLED', ports: [], role: 'slave_public' });
    for (const flavour of ['1.1', '1.4', '1.10'] as const) {
      for (const key of ['stagedAt', 'startedAt', 'version']) expect(waiting(flavour)).not.toHaveProperty(key);
    }
  });
});

describeWithReference('Mesos JSON vs the reference fixtures', () => {
  // Read when a test runs: the block's body also runs (at collection) when the reference is absent.
  let fixtureAgent: Obj = {};
  beforeAll(() => {
    fixtureAgent = (reference('mesos-dcos/master-slaves-with-persistent-volume.json') as { slaves: Obj[] }).slaves[0] as Obj;
  });
  const state = defaultScenario('1.4');
  const s1 = state.agents.find((a) => a.id === S(1));
  if (!s1) throw new Error('default scenario lost agent S1');
  const rendered = renderMasterAgent(state, s1, indexCluster(state), 5051, true);

  it('a listed agent has every field the fixture agent has', () => {
    expect(Object.keys(rendered).sort()).toEqual(expect.arrayContaining(Object.keys(fixtureAgent).sort()));
    expect(rendered.pid).toBe('slave(1)@127.0.0.168:5051');
  });

  it("the waiting postgres task's reservation has the fixture's shape, labels and persistence id", () => {
    const ours = (rendered.reserved_resources_full as Record<string, Obj[]>).slave_public ?? [];
    const theirs = ((fixtureAgent.reserved_resources_full as Record<string, Obj[]>).slave_public ?? []).slice(0, 3);
    expect(ours.map((r) => r.name)).toEqual(['cpus', 'mem', 'disk']);
    expect(ours.map(shape)).toEqual(theirs.map(shape));
    // Same reservation metadata; only the sizes differ (the default scenario's volume is 512 MB).
    const strip = (r: Obj) => ({ ...r, scalar: undefined });
    expect(ours.map(strip)).toEqual(theirs.map(strip));
  });

  it('the MOUNT volume of /kafka/broker is rendered like the fixture', () => {
    const s4 = state.agents.find((a) => a.id === S(4));
    if (!s4) throw new Error('no S4');
    const ours = ((renderMasterAgent(state, s4, indexCluster(state), 5051, true).reserved_resources_full as Record<string, Obj[]>).slave_public ?? []);
    const theirs = (fixtureAgent.reserved_resources_full as Record<string, Obj[]>).slave_public ?? [];
    const disk = (list: Obj[]) => list.find((r) => (r.disk as Obj | undefined)?.source !== undefined);
    expect(disk(ours)).toEqual(disk(theirs));
  });

  it('agent and master flags carry the DC/OS values of the excerpts', () => {
    const agentExcerpt = (reference('mesos-dcos/dcos-agent-flags-excerpt.json') as { flags: Record<string, string> }).flags;
    const s0 = state.agents.find((a) => a.id === S(0));
    if (!s0) throw new Error('no S0');
    expect(agentFlags(s0, 5051)).toMatchObject(agentExcerpt);
    const masterExcerpt = (reference('mesos-dcos/dcos-master-flags-excerpt.json') as { flags: Record<string, string> }).flags;
    expect(state.masterFlags).toMatchObject(masterExcerpt);
    expect(state.masterFlags).not.toHaveProperty('max_agent_ping_timeouts');
  });
});
