import { describe, expect, it } from 'vitest';
import { appFilter, parseTaskId } from '../../../src/domain/task-id.js';
import { appIdFromPersistenceId } from '../../../src/domain/stateful-tasks.js';

describe('parseTaskId', () => {
  const uuid = '53ab8733-fd96-11e5-8e70-76a1c19f8c3d';
  it.each([
    [`postgres.${uuid}`, '/postgres', [`postgres.${uuid}`]],
    [`postgres.${uuid}.3`, '/postgres', [`postgres.${uuid}.3`, `postgres.${uuid}`]],
    [`db_mysql.instance-${uuid}._app.1`, '/db/mysql', [`db_mysql.instance-${uuid}._app.1`, `db_mysql.instance-${uuid}`]],
    [`my.app_x.marathon-${uuid}._app.2`, '/my.app/x', [`my.app_x.marathon-${uuid}._app.2`, `my.app_x.marathon-${uuid}`]],
  ])('%s', (id, appId, labels) => {
    expect(parseTaskId(id)).toEqual({ taskId: id, appId, uuid, reservationLabels: labels });
  });

  it.each(['postgres', 'postgres.123', '../etc/passwd', `Postgres.${uuid}`, `postgres.${uuid}.x`, `a;b.${uuid}`, ''])(
    'rejects %j',
    (id) => expect(parseTaskId(id)).toBeUndefined(),
  );
});

describe('appFilter', () => {
  it('matches an app exactly or a group by prefix', () => {
    expect(appFilter('postgres')('/postgres')).toBe(true);
    expect(appFilter('/postgres')('/postgres-2')).toBe(false);
    expect(appFilter('/db/')('/db/mysql')).toBe(true);
    expect(appFilter('/db/')('/dbx/mysql')).toBe(false);
  });
  it('derives the app from a persistence id', () => {
    expect(appIdFromPersistenceId('db_mysql#data#53ab8732-fd96-11e5-8e70-76a1c19f8c3d')).toBe('/db/mysql');
    expect(appIdFromPersistenceId('pv-1')).toBeUndefined();
  });
});
