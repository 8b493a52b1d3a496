import { describe, expect, it } from 'vitest';
import { field, jsonPath, show } from '../../../../src/domain/app-check/findings.js';

describe('where an apps check finding points', () => {
  it('a JSON pointer inside the app becomes a JSON path from the document root', () => {
    expect(jsonPath('$.apps[1]', '/container/volumes/0/persistent')).toBe('$.apps[1].container.volumes[0].persistent');
    expect(jsonPath('$', '')).toBe('$');
  });

  it('keys that are not identifiers are quoted; ~1 and ~0 are / and ~ (RFC 6901)', () => {
    expect(jsonPath('$', '/labels/a~1b')).toBe('$.labels["a/b"]');
    expect(jsonPath('$', '/labels/x~0y')).toBe('$.labels["x~y"]');
    expect(jsonPath('$', '/env/MY-VAR')).toBe('$.env["MY-VAR"]');
    expect(jsonPath('$', '/env/_ok$')).toBe('$.env._ok$');
  });

  it('reads a field only of a JSON object: arrays, null and scalars have none', () => {
    expect(field({ a: 1 }, 'a')).toBe(1);
    for (const notObject of [null, [1], 'a', 3, undefined]) expect(field(notObject, 'a'), String(notObject)).toBeUndefined();
  });

  it('shows a missing value as "nothing", anything else as JSON', () => {
    expect(show(undefined)).toBe('nothing');
    expect(show('RO')).toBe('"RO"');
    expect(show(null)).toBe('null');
  });
});
