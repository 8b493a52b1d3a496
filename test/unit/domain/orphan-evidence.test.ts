import { describe, expect, it } from 'vitest';
import type { MesosAgent, MesosResource } from '../../../src/model/mesos.js';
import { agentListingGap, marathonClaims, notOrphan } from '../../../src/domain/orphan-evidence.js';

const WORK_DIR = '/var/lib/mesos/slave';
const PID = 'postgres#pgdata#2b7e1f30-fd96-11e5-8e70-76a1c19f8c3d';

function volume(role: string, id: string, extra: Partial<MesosResource> = {}): MesosResource {
  return {
    name: 'disk',
    type: 'SCALAR',
    scalar: { value: 1024 },
    role,
    reservations: [{ type: 'DYNAMIC', role, principal: 'dcos_marathon' }],
    disk: { persistence: { id, principal: 'dcos_marathon' }, volume: { container_path: 'pgdata', mode: 'RW' } },
    ...extra,
  };
}

function agent(reserved?: Record<string, MesosResource[]>, extra: Partial<MesosAgent> = {}): MesosAgent {
  return { id: 'S5', hostname: '10.0.0.5', ...(reserved === undefined ? {} : { reserved_resources_full: reserved }), ...extra };
}

const dirOf = (roleDir: string, persistenceId = PID) => ({ workDir: WORK_DIR, roleDir, persistenceId });
const noClaims = new Map<string, string[]>();

describe('agentListingGap: a listing that cannot tell the agent’s volumes', () => {
  it('a complete entry, even with no reservations at all, is complete', () => {
    expect(agentListingGap(agent({}))).toBeUndefined();
    expect(agentListingGap(agent({ slave_public: [volume('slave_public', PID)] }))).toBeUndefined();
  });

  it('no reserved_resources_full (a master before 0.28) is a gap, not "no volumes"', () => {
    expect(agentListingGap(agent())).toMatch(/has no reserved_resources_full \(a Mesos master before 0\.28/);
    expect(agentListingGap(agent(undefined, { reserved_resources_full: null } as unknown as Partial<MesosAgent>))).toMatch(/no reserved_resources_full/);
  });

  it('a malformed listing, a volume without id or role, or an agent without id/hostname is a gap', () => {
    expect(agentListingGap(agent({ r: 'x' } as unknown as Record<string, MesosResource[]>))).toMatch(/\["r"\] is not a list/);
    expect(agentListingGap(agent([] as unknown as Record<string, MesosResource[]>))).toMatch(/not an object/);
    const noId = volume('r', PID, { disk: { persistence: {} as { id: string } } });
    expect(agentListingGap(agent({ r: [noId] }))).toMatch(/has no persistence id/);
    const noRole = volume('r', PID);
    delete noRole.role;
    delete noRole.reservations;
    expect(agentListingGap(agent({ r: [noRole] }))).toMatch(/persistent volume postgres#pgdata#.* has no role/);
    expect(agentListingGap(agent({}, { hostname: '' }))).toMatch(/no hostname/);
  });
});

describe('marathonClaims', () => {
  it('maps each persistence id to every task or pod instance listing it', () => {
    const claims = marathonClaims([
      { id: 'a.1', persistenceIds: ['p1', 'p2'] },
      { id: 'b.1', persistenceIds: ['p2'] },
      { id: 'b.1', persistenceIds: ['p2'] },
    ]);
    expect([...claims]).toEqual([
      ['p1', ['a.1']],
      ['p2', ['a.1', 'b.1']],
    ]);
  });
});

describe('notOrphan: both owners must say they do not have the directory', () => {
  const complete = agent({ slave_public: [volume('slave_public', 'other#v#1')] });

  it('orphan only when the master’s complete listing and Marathon both lack it', () => {
    expect(notOrphan(dirOf('slave_public'), { agent: complete, claims: noClaims })).toBeUndefined();
  });

  it('the master listing this exact volume: a known volume', () => {
    const listed = agent({ slave_public: [volume('slave_public', PID)] });
    expect(notOrphan(dirOf('slave_public'), { agent: listed, claims: noClaims })).toEqual({ known: true, reason: expect.stringMatching(/lists a volume with this role and id/) });
  });

  it('the master listing the id under another role (refined: dev/backend ↔ "dev backend") is not orphan data', () => {
    const refined = volume('dev/backend', PID, { reservations: [{ type: 'DYNAMIC', role: 'dev' }, { type: 'DYNAMIC', role: 'dev/backend' }] });
    delete refined.role;
    const listed = agent({ 'dev/backend': [refined] });
    expect(notOrphan(dirOf('dev backend'), { agent: listed, claims: noClaims })?.known).toBe(true);
    expect(notOrphan(dirOf('slave_public'), { agent: listed, claims: noClaims })).toEqual({ known: false, reason: expect.stringMatching(/lists persistence id .* on this agent \(role dev\/backend\)/) });
  });

  it('Marathon listing the persistence id on any task, whatever agent or role, is not orphan data', () => {
    const claims = new Map([[PID, ['postgres.instance-2b7e1f31._app.1']]]);
    expect(notOrphan(dirOf('slave_public'), { agent: complete, claims })).toEqual({ known: false, reason: expect.stringMatching(/^Marathon still lists this persistence id on task postgres/) });
  });

  it('what could not be read is "cannot be told", never "no volumes"', () => {
    expect(notOrphan(dirOf('slave_public'), { agent: undefined, claims: noClaims })?.reason).toMatch(/no longer lists this agent/);
    expect(notOrphan(dirOf('slave_public'), { agent: agent(), claims: noClaims })?.reason).toMatch(/no reserved_resources_full/);
    expect(notOrphan(dirOf('slave_public'), { agent: complete, claims: null })?.reason).toMatch(/^Marathon could not be read/);
  });

  it('a PATH disk rooted at work_dir keeps its volumes under the same roles directory', () => {
    const onPath = volume('slave_public', PID, { disk: { persistence: { id: PID }, source: { type: 'PATH', path: { root: WORK_DIR } } } });
    expect(notOrphan(dirOf('slave_public'), { agent: agent({ slave_public: [onPath] }), claims: noClaims })?.known).toBe(true);
  });
});
