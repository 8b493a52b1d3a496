import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, staticImports } from '../../helpers/imports.js';

const root = repoRoot;

/** Every package and source file reached from `entry` through static imports. */
function reachable(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));
    }
  };
  visit(resolve(root, entry));
  return { files, packages };
}

// The libraries only some commands need load when those commands run, never at start-up or on the
// hot read path: zod (full schemas), undici (HTTP proxies), ssh2 and msw (the mock), the prompts.
const HEAVY = ['zod', 'undici', 'ssh2', 'msw', '@inquirer/prompts', 'ora', 'smol-toml'];

describe('what start-up and `tasks list` load', () => {
  it.each([
    ['the launcher (--version)', 'src/main.ts'],
    ['the CLI (--help)', 'src/cli.ts'],
    ['tasks list', 'src/commands/tasks/list.ts'],
    ['the HTTP clients', 'src/cluster/connect.ts'],
  ])('%s loads none of the heavy libraries', (_name, entry) => {
    const { packages } = reachable(entry);
    expect([...packages].filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('the CLI loads no command module before it knows the command', () => {
    const { files } = reachable('src/cli.ts');
    // The commands' own modules: src/commands/<noun>/…; the registry's helpers (src/commands/*.ts) may load.
    const commands = [...files].filter((f) => /\/src\/commands\/[^/]+\//.test(f));
    expect(commands.map((f) => f.slice(root.length + 1))).toEqual([]);
  });
});
