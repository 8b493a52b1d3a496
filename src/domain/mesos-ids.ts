/**
 * The validation rules Mesos itself applies to persistence ids and role names
 * (../shared/reference/mesos-dcos/README.md §d: common::validation::validateID, roles::validate).
 * A value that fails here can never become part of a path on an agent.
 */

const NAME_MAX = 255;

export type Validation = { ok: true } | { ok: false; reason: string };

const ok: Validation = { ok: true };
const fail = (reason: string): Validation => ({ ok: false, reason });

function hasControlChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x1f || c === 0x7f) return true;
  }
  return false;
}

/** Mesos validateID: not empty, ≤ NAME_MAX bytes, not `.`/`..`, no control characters, no `/` or `\`. */
export function validatePersistenceId(id: string): Validation {
  if (id.length === 0) return fail('persistence id is empty');
  if (Buffer.byteLength(id, 'utf8') > NAME_MAX) return fail(`persistence id is longer than ${NAME_MAX} bytes`);
  if (id === '.' || id === '..') return fail(`persistence id '${id}' is a relative directory name`);
  if (hasControlChar(id)) return fail('persistence id contains a control character');
  if (id.includes('/')) return fail("persistence id contains '/'");
  if (id.includes('\\')) return fail("persistence id contains '\\'");
  return ok;
}

const ROLE_COMPONENT_FORBIDDEN = /[\t\n\v\f\r \x7f]/;

/**
 * Mesos roles::validate, plus the rule that persistent volumes are never unreserved (`*`):
 * a volume path never contains the `*` role.
 */
export function validateVolumeRole(role: string): Validation {
  if (role === '*') return fail("role '*' cannot hold persistent volumes");
  if (role.length === 0) return fail('role is empty');
  if (role.startsWith('/')) return fail("role starts with '/'");
  if (role.endsWith('/')) return fail("role ends with '/'");
  if (role.includes('//')) return fail("role contains '//'");
  for (const component of role.split('/')) {
    if (component === '.' || component === '..') return fail(`role component '${component}' is not allowed`);
    if (component === '*') return fail("role component '*' is not allowed");
    if (component.startsWith('-')) return fail(`role component '${printable(component)}' starts with '-'`);
    if (ROLE_COMPONENT_FORBIDDEN.test(component)) return fail('role contains whitespace or DEL');
  }
  return ok;
}

/** Role directory name on disk: hierarchical roles have every `/` replaced by a space. */
export function encodeRoleForPath(role: string): string {
  return role.replaceAll('/', ' ');
}

/** Show a value in one line even if it carries control characters. */
export function printable(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** Agent ids go into Admin Router URLs (`/agent/<id>/`), which accept only this alphabet. */
export function isValidAgentId(id: string): boolean {
  return /^[0-9a-zA-Z-]+$/.test(id);
}
