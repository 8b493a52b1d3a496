import { ShapeError } from './shape-error.js';

/** A field of a JSON object, or a ShapeError naming what came instead. */
export function field(doc: unknown, name: string): unknown {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ShapeError('(root)', `expected an object with "${name}", got ${typeName(doc)}`);
  }
  return (doc as Record<string, unknown>)[name];
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
