import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockArgs, repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { parseShape, shapeProblems } from '../helpers/shape-notation.js';

/**
 * Every inline JSON shape of the README ("`… --json` prints `{ … }`") holds the keys the command really
 * prints, at every level, and no more (the ```json samples are readme-json.test.ts's). Each shape is
 * found under its section heading; this table says which run shows it, and which documented keys that
 * run leaves out (the README says when they are absent).
 */
const TASK = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

interface Case {
  section: string;
  args: (dir: string) => string[];
  absent?: string[];
  /** A shape introduced otherwise than "prints" (e.g. "A plan task is"), and the part of the output it describes. */
  part?: { intro: string; of: (output: unknown) => unknown };
}
const cases: Case[] = [
  { section: '### `volumes orphans', args: () => ['--json', 'volumes', 'orphans'] },
  { section: '### `volumes backup', args: (dir) => ['--json', 'volumes', 'backup', TASK, '--to', join(dir, 'backups')] },
  { section: '### `volumes restore', args: (dir) => ['--json', 'volumes', 'restore', archiveIn(join(dir, 'backups')), TASK, '--replace', '--yes'] },
  { section: '### `agent recovery-config', args: () => ['--json', 'agent', 'recovery-config'] },
  { section: '### `agent recovery-config', args: () => ['--json', 'agent', 'recovery-config', '--fix', '--dry-run'], absent: ['$.agents[].result'] },
  { section: '### `agent restart-check', args: () => ['--json', 'agent', 'restart-check', '127.0.0.167'] },
  { section: '### `apps check', args: () => ['--json', 'apps', 'check', join(repoRoot, 'fixtures/apps/postgres.json')] },
  {
    section: '### `wipe',
    args: () => ['--json', 'wipe', '--app', '/postgres', '--all-waiting', '--dry-run'],
    part: { intro: 'A plan task is', of: (output) => (output as { tasks?: unknown }).tasks },
  },
  {
    section: '### `volumes orphans',
    args: () => ['--json', 'volumes', 'orphans', '--purge', '--yes'],
    part: { intro: 'also', of: (output) => ({ plan: (output as { plan?: unknown }).plan }) },
  },
  {
    section: '### `volumes orphans',
    args: () => ['--json', 'volumes', 'orphans', '--purge', '--yes'],
    part: { intro: '\\) and', of: (output) => ({ results: (output as { results?: unknown }).results }) },
  },
  // Last: it frees the tasks the backup and restore runs use.
  { section: '### `wipe', args: () => ['--json', 'wipe', '--app', '/postgres', '--all-waiting', '--yes'] },
];

function archiveIn(dir: string): string {
  if (dir.startsWith('<')) return `${dir}/<archive>`; // a test's title
  let tar: string | undefined;
  try {
    tar = readdirSync(dir).find((f) => f.endsWith('.tar'));
  } catch {
    // not written (yet): the run says so
  }
  return join(dir, tar ?? 'no-archive-was-written.tar');
}

/** The inline shapes of a section, in order: the backticked text after "prints" (or after `intro`). */
function shapesOf(section: string, intro = 'prints'): string[] {
  const start = readme.indexOf(`\n${section}`);
  if (start === -1) return [];
  const end = readme.indexOf('\n### ', start + 1);
  const text = readme.slice(start, end === -1 ? undefined : end);
  // `key: {…}` (one key of the output, e.g. "also `plan: {…}`") reads as `{ key: {…} }`.
  return [...text.matchAll(new RegExp(`${intro} \`((?:[a-z]+: )?\\{[^\`]*\\})\``, 'g'))]
    .map((m) => (m[1] as string).replace(/\s+/g, ' '))
    .map((t) => (t.startsWith('{') ? t : `{ ${t} }`));
}

describe('README inline JSON shapes match real output', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(async () => expect((await runCli([...mockArgs(dir), 'mock', 'reset'])).code).toBe(0));
  afterAll(cleanup);

  it('every inline shape in the README is in this table', () => {
    const sections = [...readme.matchAll(/^### .*$/gm)].map((m) => m[0]);
    const documented = sections.flatMap((s) => shapesOf(s).map(() => s));
    const covered = cases.filter((c) => !c.part).map((c) => sections.find((s) => s.startsWith(c.section)));
    expect(documented.sort()).toEqual((covered.filter(Boolean) as string[]).sort());
  });

  const seen = new Map<string, number>();
  for (const c of cases) {
    const intro = c.part?.intro ?? 'prints';
    const n = seen.get(c.section + intro) ?? 0;
    seen.set(c.section + intro, n + 1);
    it(`${c.section.slice(4)}: "${intro}" shape #${n + 1} is what \`${c.args('<dir>').slice(0, 4).join(' ')} …\` prints`, { timeout: 120_000 }, async () => {
      const text = shapesOf(c.section, intro)[n];
      expect(text, `no inline shape #${n + 1} under ${c.section}`).toBeDefined();
      const r = await runCli([...mockArgs(dir), ...c.args(dir)]);
      expect(r.stdout, r.stderr).not.toBe('');
      const output = JSON.parse(r.stdout) as unknown;
      const actual = c.part ? c.part.of(output) : output;
      if (c.part) expect(Array.isArray(actual) ? actual.length > 0 : actual !== undefined, 'the run shows no such part').toBe(true);
      const absent = new Set(c.absent ?? []);
      const shape = parseShape(text as string);
      const problems = shapeProblems(Array.isArray(actual) && c.part ? { kind: 'array', element: shape } : shape, actual).filter((p) => !absent.has(p.replace(/\[\d+\]/g, '[]').replace(/: in the README, not in the output$/, '')));
      expect(problems).toEqual([]);
    });
  }
});

describe('the shape notation', () => {
  it('catches a missing key, an undocumented key, and a key outside a map\'s names, at any depth', () => {
    const shape = parseShape('{ a, b: [{c, d: {e} | null}], s: {x|y: {v}} }');
    expect(shapeProblems(shape, { a: 1, b: [{ c: 1, d: { e: 1 } }, { c: 2, d: null }], s: { x: { v: 1 } } })).toEqual([]);
    expect(shapeProblems(shape, { a: 1, b: [{ c: 1, d: { f: 1 } }], s: { z: { v: 1 } }, extra: 1 })).toEqual([
      '$.extra: in the output, not in the README',
      '$.b[0].d.e: in the README, not in the output',
      '$.b[0].d.f: in the output, not in the README',
      '$.s.z: in the output, not among x|y',
    ]);
  });
});
