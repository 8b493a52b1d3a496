import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { paintWord, wantsColour } from '../../../src/output/colour.js';

describe('colour rules', () => {
  it('on a terminal only, unless NO_COLOR, --no-color or TERM=dumb; FORCE_COLOR forces either way', () => {
    expect(wantsColour(true, {}, true)).toBe(true);
    expect(wantsColour(false, {}, true)).toBe(false);
    expect(wantsColour(true, { NO_COLOR: '1' }, true)).toBe(false);
    expect(wantsColour(true, { NO_COLOR: '' }, true)).toBe(true);
    expect(wantsColour(true, {}, false)).toBe(false);
    expect(wantsColour(true, { TERM: 'dumb' }, true)).toBe(false);
    expect(wantsColour(false, { FORCE_COLOR: '1' }, true)).toBe(true);
    expect(wantsColour(true, { FORCE_COLOR: '0' }, true)).toBe(false);
    expect(wantsColour(false, { FORCE_COLOR: '1' }, false)).toBe(false);
    expect(wantsColour(false, { FORCE_COLOR: '1', NO_COLOR: '1' }, true)).toBe(false);
  });
  it('verdicts and severities by how bad they are; other words as they are', () => {
    const paint = new Chalk({ level: 1 });
    expect(paintWord(paint, 'ok')).toBe('\u001b[32mok\u001b[39m');
    expect(paintWord(paint, 'warning')).toBe('\u001b[33mwarning\u001b[39m');
    expect(paintWord(paint, 'error')).toBe('\u001b[31merror\u001b[39m');
    expect(paintWord(paint, 'waiting')).toBe('waiting');
    expect(paintWord(new Chalk({ level: 0 }), 'error')).toBe('error');
  });
});
