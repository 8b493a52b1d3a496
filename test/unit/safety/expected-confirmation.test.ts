import { describe, expect, it } from 'vitest';
import { expectedConfirmation } from '../../../src/safety/confirm.js';

describe('expectedConfirmation: what the operator types back', () => {
  it('the name of the one thing destroyed, else the count', () => {
    expect(expectedConfirmation(1, '/postgres')).toBe('/postgres');
    expect(expectedConfirmation(3, '/postgres')).toBe('3');
    expect(expectedConfirmation(1)).toBe('1');
  });
});
