import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../../../src/mock/loopback.js';

describe('where the mock server may listen', () => {
  it('only 127.0.0.0/8 counts as a loopback address to listen on', () => {
    for (const ok of ['127.0.0.1', '127.0.0.167', '127.255.255.254']) expect(isLoopbackAddress(ok), ok).toBe(true);
    for (const bad of ['0.0.0.0', 'localhost', '::1', '127.256.0.1', '127.0.0', '1127.0.0.1', '']) expect(isLoopbackAddress(bad), bad).toBe(false);
  });
});
