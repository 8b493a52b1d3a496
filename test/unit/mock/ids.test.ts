import { describe, expect, it } from 'vitest';
import { formatTaskId, instanceKey, isParsableTaskId, nextIncarnationId, persistenceIdFor, reservationLabelFor, safeAppId } from '../../../src/mock/ids.js';
import { formatMesosDuration, normalizeMesosDuration, parseMesosDuration } from '../../../src/domain/recovery/duration.js';
import { defaultMockDir, resolveMockDir } from '../../../src/mock/paths.js';
import { isLoopbackAddress } from '../../../src/mock/server.js';

const UUID = '53ab8733-fd96-11e5-8e70-76a1c19f8c3d';

describe('Marathon ids per version', () => {
  it('formats task ids and reservation labels as each version does', () => {
    const p = { appId: '/db/mysql', uuid: UUID, resident: true, incarnation: 2 };
    expect(safeAppId('/db/mysql')).toBe('db_mysql');
    expect(formatTaskId('1.1', p)).toBe(`db_mysql.${UUID}`);
    expect(formatTaskId('1.4', p)).toBe(`db_mysql.${UUID}.2`);
    expect(formatTaskId('1.4', { ...p, resident: false })).toBe(`db_mysql.${UUID}`);
    expect(formatTaskId('1.10', p)).toBe(`db_mysql.instance-${UUID}._app.2`);
    expect(reservationLabelFor('1.1', '/postgres', UUID)).toBe(`postgres.${UUID}`);
    expect(reservationLabelFor('1.4', '/postgres', UUID)).toBe(`postgres.${UUID}`);
    expect(reservationLabelFor('1.10', '/postgres', UUID)).toBe(`postgres.instance-${UUID}`);
    expect(persistenceIdFor('/db/mysql', 'data', UUID)).toBe(`db_mysql#data#${UUID}`);
  });

  it('relaunches count up from 1.4 on and match any incarnation to the instance', () => {
    expect(nextIncarnationId('1.1', `postgres.${UUID}`)).toBe(`postgres.${UUID}`);
    expect(nextIncarnationId('1.4', `postgres.${UUID}.1`)).toBe(`postgres.${UUID}.2`);
    expect(nextIncarnationId('1.10', `postgres.instance-${UUID}._app.9`)).toBe(`postgres.instance-${UUID}._app.10`);
    expect(instanceKey('1.4', `postgres.${UUID}.7`)).toBe(instanceKey('1.4', `postgres.${UUID}.1`));
    expect(instanceKey('1.10', `postgres.instance-${UUID}._app.3`)).toBe(`postgres.instance-${UUID}`);
    expect(instanceKey('1.1', `postgres.${UUID}`)).toBe(`postgres.${UUID}`);
  });

  it('knows what Marathon can parse as a task id', () => {
    expect(isParsableTaskId(`postgres.${UUID}`)).toBe(true);
    expect(isParsableTaskId(`db_mysql.instance-${UUID}._app.1`)).toBe(true);
    expect(isParsableTaskId('postgres')).toBe(false);
    expect(isParsableTaskId('../etc/passwd')).toBe(false);
  });
});

describe('Mesos durations as /flags prints them', () => {
  it('re-prints like stout', () => {
    const cases: [string, string][] = [
      ['24hrs', '1days'],
      ['48hrs', '2days'],
      ['168hrs', '1weeks'],
      ['1.5mins', '90secs'],
      ['36hrs', '36hrs'],
      ['24.5hrs', '1.02083333333333days'],
      ['0secs', '0ns'],
      ['15mins', '15mins'],
      ['10secs', '10secs'],
    ];
    for (const [input, printed] of cases) expect(normalizeMesosDuration(input), input).toBe(printed);
  });

  it('refuses what Mesos refuses and leaves it untouched', () => {
    for (const bad of ['15', '15 mins', '15MINS', '15min', '-5secs', ' 15mins']) {
      expect(parseMesosDuration(bad), bad).toBeUndefined();
      expect(normalizeMesosDuration(bad)).toBe(bad);
    }
    expect(formatMesosDuration(1500)).toBe('1500ns');
  });
});

describe('mock locations', () => {
  it('state dir: STATEFUL_OPS_MOCK_DIR, then XDG_STATE_HOME, then ~/.local/state', () => {
    expect(defaultMockDir({ STATEFUL_OPS_MOCK_DIR: '/m', XDG_STATE_HOME: '/x' }, '/home/u')).toBe('/m');
    expect(defaultMockDir({ XDG_STATE_HOME: '/x' }, '/home/u')).toBe('/x/stateful-ops/mock');
    expect(defaultMockDir({}, '/home/u')).toBe('/home/u/.local/state/stateful-ops/mock');
    expect(resolveMockDir('rel/dir', {}, '/home/u', '/work')).toBe('/work/rel/dir');
  });

  it('only 127.0.0.0/8 counts as a loopback address to listen on', () => {
    for (const ok of ['127.0.0.1', '127.0.0.167', '127.255.255.254']) expect(isLoopbackAddress(ok), ok).toBe(true);
    for (const bad of ['0.0.0.0', 'localhost', '::1', '127.256.0.1', '127.0.0', '1127.0.0.1', '']) expect(isLoopbackAddress(bad), bad).toBe(false);
  });
});
