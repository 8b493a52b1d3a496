/**
 * The app definitions a JSON document holds, as Marathon would read them: an app (`{"id": …}`), an app
 * as `GET /v2/apps/<id>` returns it (`{"app": …}`), a list as `GET /v2/apps` returns it (`{"apps": […]}`),
 * or a group (`{"id": "/db", "apps": […], "groups": […]}`, nested), whose relative app and group ids are
 * resolved against the group's id. Anything else is no app definition: the reason says why.
 */

export interface DocumentApp {
  app: Record<string, unknown>;
  /** JSON path of the app in the document: `$`, `$.app`, `$.apps[1]`, `$.groups[0].apps[2]`. */
  path: string;
  /** Its id as Marathon resolves it; null when it has none. */
  id: string | null;
}

export type DocumentApps = { apps: DocumentApp[] } | { problem: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function appsOfDocument(doc: unknown): DocumentApps {
  if (Array.isArray(doc)) return { problem: 'a JSON array, not an app definition (give the app object, a group, or {"apps": […]})' };
  if (!isObject(doc)) return { problem: `a JSON ${doc === null ? 'null' : typeof doc}, not an app definition` };
  const isGroup = Array.isArray(doc.apps) || Array.isArray(doc.groups);
  if (isGroup) {
    const apps: DocumentApp[] = [];
    const problem = walkGroup(doc, '$', '/', apps);
    return problem === undefined ? { apps } : { problem };
  }
  if ('app' in doc && !('id' in doc)) {
    if (!isObject(doc.app)) return { problem: '$.app is not an app definition (a JSON object)' };
    return { apps: [{ app: doc.app, path: '$.app', id: resolveId(doc.app.id, '/') }] };
  }
  if (typeof doc.id !== 'string') {
    const keys = Object.keys(doc);
    return { problem: `no app definition: an object without "id"${keys.length === 0 ? ' (empty)' : ` (keys: ${keys.slice(0, 5).join(', ')})`}, and no "apps", "groups" or "app"` };
  }
  return { apps: [{ app: doc, path: '$', id: resolveId(doc.id, '/') }] };
}

/** Collects the group's apps, then its subgroups' (Marathon's order); returns a problem on the first bad entry. */
function walkGroup(group: Record<string, unknown>, path: string, parent: string, out: DocumentApp[]): string | undefined {
  const id = resolveId(group.id, parent) ?? parent;
  for (const key of ['apps', 'groups'] as const) {
    const list = group[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) return `${path}.${key} is not a list`;
    for (const [i, entry] of list.entries()) {
      const at = `${path}.${key}[${i}]`;
      if (!isObject(entry)) return `${at} is not ${key === 'apps' ? 'an app definition' : 'a group'} (a JSON object)`;
      if (key === 'apps') out.push({ app: entry, path: at, id: resolveId(entry.id, id) });
      else {
        const problem = walkGroup(entry, at, id, out);
        if (problem !== undefined) return problem;
      }
    }
  }
  return undefined;
}

/** Marathon's PathId: an id without a leading `/` is relative to its group; `.` and `..` segments resolve. */
export function resolveId(id: unknown, base: string): string | null {
  if (typeof id !== 'string' || id.trim() === '') return null;
  const segments = id.startsWith('/') ? [] : base.split('/').filter(Boolean);
  for (const part of id.split('/').filter(Boolean)) {
    if (part === '.') continue;
    if (part === '..') segments.pop();
    else segments.push(part);
  }
  return `/${segments.join('/')}`;
}
