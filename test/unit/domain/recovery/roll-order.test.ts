import { describe, expect, it } from 'vitest';
import { nextToRestart } from '../../../../src/domain/recovery/roll-order.js';

const slot = (id: string, ...apps: string[]) => ({ id, apps: new Set(apps) });

describe('nextToRestart', () => {
  it('one at a time by default', () => {
    expect(nextToRestart([slot('a'), slot('b')], [], 1)?.id).toBe('a');
    expect(nextToRestart([slot('b')], [slot('a')], 1)).toBeUndefined();
  });
  it('never two agents holding the same stateful app, whatever --parallel allows', () => {
    const queue = [slot('b', '/postgres'), slot('c', '/kafka'), slot('d')];
    expect(nextToRestart(queue, [slot('a', '/postgres')], 3)?.id).toBe('c');
    expect(nextToRestart([slot('b', '/postgres')], [slot('a', '/postgres', '/kafka')], 3)).toBeUndefined();
    expect(nextToRestart(queue, [slot('a', '/postgres'), slot('x'), slot('y')], 3)).toBeUndefined();
  });
});
