import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shCommand, shQuote } from '../../../src/agent/quote.js';
import { shellWords } from '../../../src/mock/ssh/command.js';

const tricky = [
  "'", '"', ' ', '\n', '\t', '\r', '$', '`', '*', '?', '[', ']', '\\', '-', '=', '~', '#', ';', '&', '|',
  '(', ')', '{', '}', '<', '>', '!', '%', '^', 'a', 'Z', '0', 'é', '日', '😀', '\x01', '\x7f',
];

/** Any string a remote shell can receive: everything but NUL, and well-formed (no lone UTF-16 surrogates). */
const anyArg = fc
  .oneof(
    fc.string({ unit: fc.constantFrom(...tricky), maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    fc.constantFrom('', '-', '--', '-n', '-e', '--help', "'", "''", '\\', 'a=b', '~', '~root', '*', '$HOME', '$(id)', '`id`'),
    fc.string({ unit: fc.constantFrom(...tricky), maxLength: 8 }).map((s) => `-${s}`),
  )
  .filter((s) => !s.includes('\0') && (s as string & { isWellFormed(): boolean }).isWellFormed());

const BATCH = 100;
const RUNS = 100; // BATCH * RUNS = 10,000 arguments per shell

/** What `shell` receives as "$@" after parsing `printf '%s\0' <quoted args>`. */
function roundTrip(shell: string, args: string[]): string[] {
  // No rc files: with stdin a socket (as spawnSync's pipes are) bash would think sshd started it and read ~/.bashrc.
  const startup = shell.endsWith('bash') ? ['--norc', '--noprofile'] : [];
  const result = spawnSync(shell, [...startup, '-c', `printf '%s\\0' ${shCommand(args)}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(result.status, result.stderr?.toString()).toBe(0);
  const fields = result.stdout.toString('utf8').split('\0');
  fields.pop();
  return fields;
}

describe('shQuote / shCommand', () => {
  const shells = ['/bin/sh', '/bin/bash'].filter((s) => existsSync(s));

  for (const shell of shells) {
    it(`${shell} receives exactly the original arguments (${BATCH * RUNS} random strings)`, () => {
      fc.assert(
        fc.property(fc.array(anyArg, { minLength: BATCH, maxLength: BATCH }), (args) => {
          expect(roundTrip(shell, args)).toEqual(args);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('agrees with the mock guard’s word splitter', () => {
    fc.assert(
      fc.property(fc.array(anyArg, { minLength: 1, maxLength: 20 }), (args) => {
        expect(shellWords(shCommand(args))).toEqual(args);
      }),
      { numRuns: 2_000 },
    );
  });

  it('quotes what the shell would interpret and leaves plain words readable', () => {
    expect(shQuote('/var/lib/mesos/slave')).toBe('/var/lib/mesos/slave');
    expect(shQuote('')).toBe("''");
    expect(shQuote("a b*$'\"#-x")).toBe(`'a b*$'\\''"#-x'`);
    expect(shQuote('a=b')).toBe("'a=b'");
    expect(shQuote('~')).toBe("'~'");
    expect(shCommand(['rm', '-rf', '--', '/x y'])).toBe("rm -rf -- '/x y'");
  });

  it('refuses what no shell can receive', () => {
    expect(() => shQuote('a\0b')).toThrow(/NUL/);
    expect(() => shCommand([])).toThrow(/empty/);
  });
});
