/** Commander argument parsers the commands share. */

/** A repeatable option (`--agent a --agent b`): every value given, in order; undefined when never given. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
