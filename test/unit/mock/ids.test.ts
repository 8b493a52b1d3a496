import { describe, expect, it } from 'vitest';
import { formatTaskId, instanceKey, isParsableTaskId, nextIncarnationId, persistenceIdFor, reservationLabelFor, safeAppId } from '../../../src/mock/ids.js';

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
