import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRoot, importsOf, repoRoot, sourceFiles } from '../../helpers/imports.js';

/**
 * The layers of src/, bottom first (docs/architecture.md). A room may import rooms listed before it and
 * itself, never one after it: type-only and dynamic imports count too, since both tie a lower room to a higher one.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['core'],
  ['model'],
  ['config'],
  ['domain'],
  ['journal'],
  ['agent'],
  ['cluster'],
  ['safety'],
  ['mock'],
  ['context'],
  ['operations'],
  ['output'],
  ['commands', 'bench'],
  ['cli'],
  ['main'],
];

/** Who may open the mock's door: the context (--mock), the `mock` commands, the benchmarks. */
const MOCK_DOORS = [/^src\/context\/context\.ts$/, /^src\/commands\/mock\//, /^src\/bench\//];

const src = `${repoRoot}/src`;
const files = sourceFiles(src);
const roomOf = (file: string) => relative(src, file).split('/')[0]?.replace(/\.ts$/, '') as string;
const rank = new Map(LAYERS.flatMap((rooms, i) => rooms.map((room) => [room, i] as const)));
const edges = files.flatMap((file) => importsOf(file).flatMap((ref) => (ref.target ? [{ from: file, to: ref.target, ref }] : [])));

describe('the layers of src/', () => {
  it('every room of src/ has its place', () => {
    expect([...new Set(files.map(roomOf))].filter((room) => !rank.has(room))).toEqual([]);
  });

  it('no room imports a room above it or beside it', () => {
    const upward = edges
      .filter(({ from, to }) => roomOf(from) !== roomOf(to) && (rank.get(roomOf(to)) ?? -1) >= (rank.get(roomOf(from)) ?? -1))
      .map(({ from, to }) => `${fromRoot(from)} -> ${fromRoot(to)}`);
    expect(upward).toEqual([]);
  });

  it('nothing outside src/mock/ knows of the mock but its doors', () => {
    const known = edges
      .filter(({ from, to }) => roomOf(to) === 'mock' && roomOf(from) !== 'mock' && !MOCK_DOORS.some((door) => door.test(fromRoot(from))))
      .map(({ from, to }) => `${fromRoot(from)} -> ${fromRoot(to)}`);
    expect(known).toEqual([]);
  });

  it('domain/ does no I/O: of Node, only path arithmetic and hashing', () => {
    const pure = ['node:path', 'node:path/posix', 'node:crypto'];
    const io = files
      .filter((f) => roomOf(f) === 'domain')
      .flatMap((f) => importsOf(f).filter((r) => !r.typeOnly && r.spec.startsWith('node:') && !pure.includes(r.spec)).map((r) => `${fromRoot(f)}: ${r.spec}`));
    expect(io).toEqual([]);
  });

  it('has no import cycle, between files or between rooms', () => {
    const next = new Map<string, string[]>();
    for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const to of next.get(file) ?? []) {
        if (state.get(to) === 'open') cycles.push([...stack.slice(stack.indexOf(to)), to].map(fromRoot).join(' -> '));
        else if (!state.has(to)) visit(to);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('every import names a file that exists', () => {
    const known = new Set(files);
    expect(edges.filter(({ to }) => !known.has(to)).map(({ from, ref }) => `${fromRoot(from)}: ${ref.spec}`)).toEqual([]);
  });
});
