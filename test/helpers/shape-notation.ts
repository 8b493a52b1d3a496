/**
 * The README's inline JSON shapes, e.g. `{ agents: [{agent, host, verdict: ok|warning}], summary: {agents} | null }`:
 * keys, nested objects and arrays; a value's words (`ok|warning`, `"restart"`, `<row as above>`) are not
 * checked, only that its key is there. `a|b|c: {…}` is a map whose keys are some of a, b, c.
 */
export type Shape =
  | { kind: 'object'; fields: Map<string, Shape>; mapKeys?: string[] }
  | { kind: 'array'; element: Shape }
  | { kind: 'scalar' };

export function parseShape(text: string): Shape {
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const value = (): Shape => {
    skip();
    let shape: Shape;
    if (text[i] === '{') shape = object();
    else if (text[i] === '[') {
      i++;
      skip();
      const element = text[i] === '{' || text[i] === '[' ? value() : scalarUntil(']');
      skip();
      if (text[i] !== ']') throw new Error(`expected ] at ${i}: ${text.slice(i, i + 30)}`);
      i++;
      shape = { kind: 'array', element };
    } else shape = scalarUntil(',}');
    // `| null`, `| null (offline)`: the value may be null.
    skip();
    if (text.startsWith('| null', i)) {
      i += 6;
      skip();
      if (text[i] === '(') i = text.indexOf(')', i) + 1;
    }
    return shape;
  };
  const scalarUntil = (stops: string): Shape => {
    let depth = 0;
    while (i < text.length) {
      const c = text[i] as string;
      if (c === '"') i = text.indexOf('"', i + 1);
      else if (c === '(' || c === '<') depth++;
      else if (c === ')' || c === '>') depth--;
      else if (depth === 0 && (stops.includes(c) || c === ']')) break;
      i++;
    }
    return { kind: 'scalar' };
  };
  const object = (): Shape => {
    i++; // {
    const fields = new Map<string, Shape>();
    let mapKeys: string[] | undefined;
    for (;;) {
      skip();
      if (text[i] === '}') {
        i++;
        break;
      }
      const key = /^[A-Za-z_][\w|]*/.exec(text.slice(i))?.[0];
      if (!key) throw new Error(`expected a key at ${i}: ${text.slice(i, i + 30)}`);
      i += key.length;
      skip();
      const shape: Shape = text[i] === ':' ? (i++, value()) : { kind: 'scalar' };
      if (key.includes('|')) {
        mapKeys = key.split('|');
        fields.set('*', shape);
      } else fields.set(key, shape);
      skip();
      if (text[i] === ',') i++;
    }
    return mapKeys ? { kind: 'object', fields, mapKeys } : { kind: 'object', fields };
  };
  const shape = value();
  return shape;
}

/** Where `actual` does not have the documented keys (or has undocumented ones); `absent` keys may be missing. */
export function shapeProblems(shape: Shape, actual: unknown, absent: ReadonlySet<string> = new Set(), at = '$'): string[] {
  if (actual === null || actual === undefined || shape.kind === 'scalar') return [];
  if (shape.kind === 'array') {
    if (!Array.isArray(actual)) return [`${at}: documented as an array`];
    return actual.flatMap((e, n) => shapeProblems(shape.element, e, absent, `${at}[${n}]`));
  }
  if (typeof actual !== 'object' || Array.isArray(actual)) return [`${at}: documented as an object`];
  const a = actual as Record<string, unknown>;
  if (shape.mapKeys) {
    const inner = shape.fields.get('*') as Shape;
    return Object.entries(a).flatMap(([k, v]) =>
      shape.mapKeys?.includes(k) ? shapeProblems(inner, v, absent, `${at}.${k}`) : [`${at}.${k}: in the output, not among ${shape.mapKeys?.join('|')}`],
    );
  }
  return [
    ...[...shape.fields.keys()].filter((k) => !(k in a) && !absent.has(`${at}.${k}`)).map((k) => `${at}.${k}: in the README, not in the output`),
    ...Object.keys(a).filter((k) => !shape.fields.has(k)).map((k) => `${at}.${k}: in the output, not in the README`),
    ...[...shape.fields].filter(([k]) => k in a).flatMap(([k, s]) => shapeProblems(s, a[k], absent, `${at}.${k}`)),
  ];
}
