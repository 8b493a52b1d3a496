import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ImportRef {
  /** What the file wrote, e.g. `../core/errors.js` or `node:fs`. */
  spec: string;
  /** The source file it names (absolute, .ts), for relative specs. */
  target?: string;
  /** `import type` / `export type`: erased when compiled, loads nothing. */
  typeOnly: boolean;
  /** `await import(…)`: loaded when that code runs. */
  dynamic: boolean;
}

/** Every import and re-export of a source file, static and dynamic, type-only or not. */
export function importsOf(file: string): ImportRef[] {
  const text = readFileSync(file, 'utf8');
  const refs: ImportRef[] = [];
  const add = (spec: string, typeOnly: boolean, dynamic: boolean) =>
    refs.push({ spec, typeOnly, dynamic, ...(spec.startsWith('.') ? { target: resolve(dirname(file), spec.replace(/\.js$/, '.ts')) } : {}) });
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) add(m[3] as string, m[2] !== undefined, false);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) add(m[1] as string, false, true);
  return refs;
}

/** Static (non-type) imports: what loading the file loads before any dynamic import(). */
export function staticImports(file: string): string[] {
  return importsOf(file).filter((r) => !r.typeOnly && !r.dynamic).map((r) => r.spec);
}

/** Every .ts file under `dir` (absolute paths). */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out.sort();
}

export const fromRoot = (file: string) => relative(repoRoot, file);
