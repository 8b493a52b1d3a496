import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockArgs, repoRoot, runCli, tempDir } from '../helpers/cli.js';

/**
 * Every ```json sample in README.md is what the command it documents prints: the same keys at every level,
 * the same value types, and null exactly where the sample shows null. Each sample names its command in the
 * `<!-- sample of: … -->` line above it; a sample without one fails, so none goes unchecked.
 */
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
// `sample of manifest:` documents the manifest a backup command writes beside its archive, not its stdout.
const samples = [...readme.matchAll(/(?:<!-- sample of( manifest)?: (.+?) -->\n)?```json\n([\s\S]*?)\n```/g)].map((m) => ({
  manifest: m[1] !== undefined,
  command: m[2],
  text: m[3] ?? '',
  line: readme.slice(0, m.index).split('\n').length + 1,
}));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const kind = (v: Json) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Where the real output's shape differs from the sample's. */
function shapeDiff(sample: Json, actual: Json, at = '$'): string[] {
  if (kind(sample) !== kind(actual)) return [`${at}: README has ${kind(sample)}, output has ${kind(actual)}`];
  if (Array.isArray(sample) && Array.isArray(actual)) {
    const [first] = sample;
    return first === undefined ? [] : actual.flatMap((a, i) => shapeDiff(first, a, `${at}[${i}]`));
  }
  if (kind(sample) !== 'object') return [];
  const s = sample as Record<string, Json>;
  const a = actual as Record<string, Json>;
  return [
    ...Object.keys(s).filter((k) => !(k in a)).map((k) => `${at}.${k}: in the README, not in the output`),
    ...Object.keys(a).filter((k) => !(k in s)).map((k) => `${at}.${k}: in the output, not in the README`),
    ...Object.keys(s).filter((k) => k in a).flatMap((k) => shapeDiff(s[k] as Json, a[k] as Json, `${at}.${k}`)),
  ];
}

/** The element of a list the sample shows: the one sharing most of its literal values ("…" elides). */
function documentedElement(sample: Json, actual: Json): Json {
  if (!Array.isArray(actual) || Array.isArray(sample)) return actual;
  const literals = Object.entries(sample as Record<string, Json>).filter(([, v]) => v !== null && typeof v !== 'object' && !String(v).includes('…'));
  const score = (e: Json) => literals.filter(([k, v]) => (e as Record<string, Json>)[k] === v).length;
  return actual.reduce((best, e) => (score(e) > score(best) ? e : best), actual[0] as Json);
}

describe('README JSON samples match real output', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(async () => expect((await runCli([...mockArgs(dir), 'mock', 'reset'])).code).toBe(0));
  afterAll(cleanup);

  it('the README has samples, each naming its command', () => {
    expect(samples.length).toBeGreaterThanOrEqual(2);
    for (const s of samples) expect(s.command, `README.md:${s.line}: a json sample without <!-- sample of: … -->`).toBeDefined();
  });

  for (const sample of samples) {
    it(`README.md:${sample.line} is what \`${sample.command ?? '?'}\` prints`, async () => {
      const backups = join(dir, `backups-${sample.line}`);
      const args = [...mockArgs(dir), ...(sample.command ?? '').split(' '), ...(sample.manifest ? ['--to', backups] : [])];
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(0);
      const documented = JSON.parse(sample.text) as Json;
      const written = sample.manifest ? readdirSync(backups).find((f) => f.endsWith('.tar.json')) : undefined;
      const output = sample.manifest ? readFileSync(join(backups, written ?? 'no manifest written'), 'utf8') : r.stdout;
      const actual = documentedElement(documented, JSON.parse(output) as Json);
      expect(shapeDiff(documented, actual)).toEqual([]);
    });
  }
});

describe('the shape check itself', () => {
  it('catches a missing key, an extra key, a type change and a value where the README shows null', () => {
    expect(shapeDiff({ a: 1, b: { c: null } }, { a: 1, b: { c: null } })).toEqual([]);
    expect(shapeDiff({ a: 1, b: { c: null } }, { a: '1', b: { c: true, d: 2 } })).toEqual([
      '$.a: README has number, output has string',
      '$.b.d: in the output, not in the README',
      '$.b.c: README has null, output has boolean',
    ]);
    expect(shapeDiff({ v: [{ k: 1 }] }, { v: [{ k: 1 }, {}] })).toEqual(['$.v[1].k: in the README, not in the output']);
  });
});
