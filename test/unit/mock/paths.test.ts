import { describe, expect, it } from 'vitest';
import { defaultMockDir, resolveMockDir } from '../../../src/mock/paths.js';

describe('mock locations', () => {
  it('state dir: STATEFUL_OPS_MOCK_DIR, then XDG_STATE_HOME, then ~/.local/state', () => {
    expect(defaultMockDir({ STATEFUL_OPS_MOCK_DIR: '/m', XDG_STATE_HOME: '/x' }, '/home/u')).toBe('/m');
    expect(defaultMockDir({ XDG_STATE_HOME: '/x' }, '/home/u')).toBe('/x/stateful-ops/mock');
    expect(defaultMockDir({}, '/home/u')).toBe('/home/u/.local/state/stateful-ops/mock');
    expect(resolveMockDir('rel/dir', {}, '/home/u', '/work')).toBe('/work/rel/dir');
  });
});
