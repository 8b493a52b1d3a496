import { describe, expect, it } from 'vitest';
import { encodeRoleForPath, isValidAgentId, printable, validatePersistenceId, validateVolumeRole } from '../../../src/domain/mesos-ids.js';

describe('persistence ids and roles, as Mesos validates them before they become a path', () => {
  it('accepts what Mesos accepts', () => {
    expect(validatePersistenceId('..a').ok).toBe(true);
    expect(validatePersistenceId('ünï cødé').ok).toBe(true);
    expect(validateVolumeRole('a*b').ok).toBe(true);
    expect(validateVolumeRole('slave_public').ok).toBe(true);
    expect(validateVolumeRole('dev/backend').ok).toBe(true);
  });

  it('a persistence id is at most 255 bytes, not characters', () => {
    expect(validatePersistenceId('é'.repeat(127)).ok).toBe(true);
    expect(validatePersistenceId('é'.repeat(128))).toEqual({ ok: false, reason: 'persistence id is longer than 255 bytes' });
    expect(validatePersistenceId('x'.repeat(255)).ok).toBe(true);
  });

  it('DEL counts as a control character, like the C0 range', () => {
    expect(validatePersistenceId('a\x7fb')).toEqual({ ok: false, reason: 'persistence id contains a control character' });
    expect(validatePersistenceId('a\tb')).toEqual({ ok: false, reason: 'persistence id contains a control character' });
  });

  it('says which part of a role is refused', () => {
    const reason = (role: string) => {
      const v = validateVolumeRole(role);
      return v.ok ? 'ok' : v.reason;
    };
    expect(reason('*')).toBe("role '*' cannot hold persistent volumes");
    expect(reason('')).toBe('role is empty');
    expect(reason('/r')).toBe("role starts with '/'");
    expect(reason('r/')).toBe("role ends with '/'");
    expect(reason('a//b')).toBe("role contains '//'");
    expect(reason('a/../b')).toBe("role component '..' is not allowed");
    expect(reason('a/*/b')).toBe("role component '*' is not allowed");
    expect(reason('a/-b\n')).toBe("role component '-b\\n' starts with '-'");
    expect(reason('a b')).toBe('role contains whitespace or DEL');
  });
});

describe('names as they appear on disk, in URLs and in messages', () => {
  it('a hierarchical role is one directory, every / a space', () => {
    expect(encodeRoleForPath('a/b/c')).toBe('a b c');
    expect(encodeRoleForPath('slave_public')).toBe('slave_public');
  });

  it('an agent id must fit an Admin Router URL: letters, digits and dashes only', () => {
    expect(isValidAgentId('d935ca7e-e29d-4503-94e7-25fe9f16847c-S1')).toBe(true);
    for (const bad of ['', '../S1', 'S1/flags', 'S1?x=1', 'S 1']) expect(isValidAgentId(bad), bad).toBe(false);
  });

  it('a value with control characters prints on one line', () => {
    expect(printable('a\nb\x1b')).toBe('a\\nb\\u001b');
    expect(printable("it's")).toBe("it's");
  });
});
