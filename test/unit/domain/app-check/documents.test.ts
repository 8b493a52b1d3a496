import { describe, expect, it } from 'vitest';
import { appsOfDocument, resolveId } from '../../../../src/domain/app-check/documents.js';

const located = (doc: unknown) => {
  const r = appsOfDocument(doc);
  return 'problem' in r ? r : r.apps.map((a) => `${a.path} ${a.id}`);
};

describe('the app definitions of a document', () => {
  it('an app, GET /v2/apps/<id> ({"app"}), GET /v2/apps ({"apps"})', () => {
    expect(located({ id: '/postgres', cmd: 'x' })).toEqual(['$ /postgres']);
    expect(located({ id: 'postgres' })).toEqual(['$ /postgres']);
    expect(located({ app: { id: '/db/mysql' } })).toEqual(['$.app /db/mysql']);
    expect(located({ apps: [{ id: '/a' }, { id: '/b/c' }] })).toEqual(['$.apps[0] /a', '$.apps[1] /b/c']);
  });

  it('a group, nested: relative ids resolve against their group as Marathon does; apps before subgroups', () => {
    const group = {
      id: '/db',
      groups: [{ id: 'sql', apps: [{ id: 'mysql' }, { id: '../pg' }], groups: [{ id: '/abs', apps: [{ id: 'x' }] }] }],
      apps: [{ id: 'cache' }, { id: '/elsewhere/app' }, { cmd: 'no id' }],
    };
    expect(located(group)).toEqual([
      '$.apps[0] /db/cache',
      '$.apps[1] /elsewhere/app',
      '$.apps[2] null',
      '$.groups[0].apps[0] /db/sql/mysql',
      '$.groups[0].apps[1] /db/pg',
      '$.groups[0].groups[0].apps[0] /abs/x',
    ]);
    expect(located({ id: '/db', apps: [] })).toEqual([]);
  });

  it('anything that is no app definition: the reason, never an empty pass', () => {
    expect(located({})).toEqual({ problem: 'no app definition: an object without "id" (empty), and no "apps", "groups" or "app"' });
    expect(located({ name: 'x' })).toEqual({ problem: expect.stringMatching(/without "id" \(keys: name\)/) as string });
    expect(located([1, 2])).toEqual({ problem: expect.stringMatching(/^a JSON array, not an app definition/) as string });
    expect(located(3)).toEqual({ problem: 'a JSON number, not an app definition' });
    expect(located(null)).toEqual({ problem: 'a JSON null, not an app definition' });
    expect(located({ apps: [1] })).toEqual({ problem: '$.apps[0] is not an app definition (a JSON object)' });
    expect(located({ id: '/g', groups: [{ apps: 'x' }] })).toEqual({ problem: '$.groups[0].apps is not a list' });
    expect(located({ app: [] })).toEqual({ problem: '$.app is not an app definition (a JSON object)' });
  });

  it('ids resolve against the group; an id that is not a non-empty string is none', () => {
    expect(resolveId('./a/../b', '/g')).toBe('/g/b');
    expect(resolveId('', '/g')).toBeNull();
    expect(resolveId(7, '/g')).toBeNull();
  });
});
