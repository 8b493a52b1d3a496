import { describe, expect, it } from 'vitest';
import { didYouMean, suggestWords } from '../../../src/commands/suggest.js';

describe('did you mean', () => {
  it('typos, swaps and prefixes of verbs and nouns', () => {
    expect(suggestWords('lst', ['list', 'show'])).toEqual(['list']);
    expect(suggestWords('tsaks', ['tasks', 'volumes', 'agent'])).toEqual(['tasks']);
    expect(suggestWords('stat', ['schedule', 'status', 'down', 'up'])).toEqual(['status']);
    expect(suggestWords('vol', ['tasks', 'volumes'])).toEqual(['volumes']);
  });
  it('nothing close: no suggestion', () => {
    expect(suggestWords('frobnicate', ['list', 'show'])).toEqual([]);
    expect(didYouMean('frobnicate', ['list'])).toBe('');
    expect(didYouMean('lst', ['list'])).toBe("\n(Did you mean 'list'?)");
  });
});
