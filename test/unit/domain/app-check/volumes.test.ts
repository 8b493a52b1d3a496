import { describe, expect, it } from 'vitest';
import { volumeRules } from '../../../../src/domain/app-check/volumes.js';
import { marathonVersion } from '../../../helpers/app-check.js';

const V110 = marathonVersion('1.10.26');
const V11 = marathonVersion('1.1.7');
const appWith = (...volumes: unknown[]) => ({ id: '/db/pg', container: { type: 'DOCKER', volumes } });
const persistentVolume = (persistent: unknown, containerPath = 'data') => ({ containerPath, mode: 'RW', persistent });

describe('persistent volume rules of apps check', () => {
  it('an app without volumes, or with a volumes field that is not a list, has nothing to check here', () => {
    expect(volumeRules({ id: '/web' }, V110)).toEqual([]);
    expect(volumeRules({ id: '/web', container: { volumes: { data: 1 } } }, V110)).toEqual([]);
    expect(volumeRules(appWith({ containerPath: 'logs', hostPath: '/var/log', mode: 'RO' }), V110)).toEqual([]);
  });

  it('a second volume on the same containerPath names the first one', () => {
    const [duplicate] = volumeRules(appWith(persistentVolume({ size: 1 }), persistentVolume({ size: 1 })), V110);
    expect(duplicate).toMatchObject({
      rule: 'volume-duplicate-container-path',
      severity: 'error',
      pointer: '/container/volumes/1/containerPath',
      reason: 'containerPath "data" is also used by volume 0: two volumes cannot be mounted at one path',
    });
  });

  it('the remedy for an absolute containerPath shows the host-volume work-around', () => {
    const [slash] = volumeRules(appWith(persistentVolume({ size: 1 }, '/var/lib/mysql')), V110);
    expect(slash?.remedy).toMatch(/"hostPath": "data"/);
    const [legacy] = volumeRules(appWith(persistentVolume({ size: 1 }, 'var/data')), V11);
    expect(legacy?.reason).toMatch(/Marathon 1\.1\.7 accepts it, 1\.4 and later refuse it/);
  });

  it('a negative or missing size is refused, saying what was given', () => {
    expect(volumeRules(appWith(persistentVolume({ size: -1 })), V110).map((f) => f.reason)).toEqual(['persistent.size must be a positive number of MiB (got -1)']);
    expect(volumeRules(appWith(persistentVolume({})), V110).map((f) => f.reason)).toEqual(['persistent.size is missing: Mesos needs the size (MiB) to reserve the disk']);
  });

  it('before 1.4 every field but size is named as ignored: the volume lands on the root disk', () => {
    const one = volumeRules(appWith(persistentVolume({ size: 1, type: 'mount' })), V11);
    expect(one.map((f) => [f.rule, f.pointer, f.reason])).toEqual([
      ['volume-ignored-field', '/container/volumes/0/persistent', 'Marathon 1.1.7 knows only persistent.size: type is ignored and the volume lands on the root disk'],
    ]);
    const several = volumeRules(appWith(persistentVolume({ size: 1, type: 'mount', maxSize: 0, profileName: 'fast' })), V11);
    expect(several[0]?.reason).toMatch(/: type, maxSize, profileName are ignored/);
    // maxSize 0 would be refused from 1.4 on; a Marathon that ignores the field is not held to its rules.
    expect(several).toHaveLength(1);
  });

  it('maxSize must be a number above size, and only on mount volumes', () => {
    const mount = (maxSize: unknown) => volumeRules(appWith(persistentVolume({ size: 10, type: 'mount', maxSize })), V110).map((f) => f.reason);
    expect(mount('20')).toEqual(['Max size must be larger than size (size 10, maxSize "20")']);
    expect(mount(5)).toEqual(['Max size must be larger than size (size 10, maxSize 5)']);
    expect(mount(11)).toEqual([]);
    expect(volumeRules(appWith(persistentVolume({ size: 10, type: 'path', maxSize: 20 })), V110).map((f) => f.reason)).toEqual(['Only mount volumes can have maxSize (this volume is path)']);
  });

  it('constraints must be a list; an empty list is no constraint, even on a root volume', () => {
    expect(volumeRules(appWith(persistentVolume({ size: 1, constraints: [] })), V110)).toEqual([]);
    const [notList] = volumeRules(appWith(persistentVolume({ size: 1, type: 'path', constraints: 'path:LIKE:/mnt' })), V110);
    expect(notList).toMatchObject({ rule: 'volume-constraints', pointer: '/container/volumes/0/persistent/constraints', reason: 'constraints must be a list of [field, operator, value] (got "path:LIKE:/mnt")' });
  });

  it('a volume without mode is not read-write', () => {
    const [mode] = volumeRules(appWith({ containerPath: 'data', persistent: { size: 1 } }), V110);
    expect(mode).toMatchObject({ rule: 'volume-mode', reason: 'a persistent volume must be mounted read-write: mode must be RW (got nothing)' });
  });
});
