import { describe, expect, it } from 'vitest';
import { ExitCode, recoveryFixExitCode, wipeExitCode } from '../../../src/core/errors.js';

const o = (...outcomes: string[]) => outcomes.map((outcome) => ({ outcome }));

describe('wipe: the worst thing that happened decides', () => {
  it.each([
    [o('wiped', 'expunged', 'skipped'), 0, ExitCode.OK],
    [o(), 0, ExitCode.OK],
    [o('wiped'), 1, ExitCode.PARTIAL],
    [o('wiped', 'failed'), 0, ExitCode.PARTIAL],
    [o('refused'), 0, ExitCode.REFUSED],
    [o(), 2, ExitCode.REFUSED],
    [o('failed', 'refused'), 0, ExitCode.ERROR],
    [o('wiped', 'deleted-not-expunged'), 0, ExitCode.CHANGED],
    [o('relaunched', 'failed'), 0, ExitCode.CHANGED],
    [o('relaunched', 'interrupted'), 0, ExitCode.INTERRUPTED],
  ])('%j with %i refused in the plan: %i', (outcomes, refused, code) => {
    expect(wipeExitCode(outcomes, refused)).toBe(code);
  });
});

describe('recovery-config --fix', () => {
  const roll = (extra: object = {}) => ({ interrupted: false, stoppedAt: null, agents: o('restarted'), ...extra });
  it.each([
    [o('fixed'), null, false, false, ExitCode.OK],
    [o('fixed'), null, false, true, ExitCode.PARTIAL],
    [o('fixed'), null, true, false, ExitCode.REFUSED],
    [o('fixed'), roll({ agents: o('refused') }), false, false, ExitCode.REFUSED],
    [o('fixed', 'failed'), null, true, false, ExitCode.PARTIAL],
    [o('failed'), null, false, false, ExitCode.ERROR],
    [o('fixed'), roll({ stoppedAt: { agent: 'S1' } }), false, false, ExitCode.ROLL_STOPPED],
    [o('fixed'), roll({ interrupted: true, stoppedAt: { agent: 'S1' } }), false, false, ExitCode.INTERRUPTED],
    [o('interrupted'), null, false, false, ExitCode.INTERRUPTED],
  ])('%j, roll %j, refused in plan %s, unread %s: %i', (results, r, refused, unread, code) => {
    expect(recoveryFixExitCode(results, r, refused, unread)).toBe(code);
  });
});
