import { setFlagsFromString } from 'node:v8';

/**
 * Reads one array of a JSON document (`{"tasks":[…], …}`) element by element from a byte stream,
 * keeping only what `select` makes of the elements it wants. Big answers (Marathon's /v2/tasks on a 50,000-task
 * cluster is ~30 MB) then never exist as one string plus one object graph at once: peak memory is one
 * chunk plus the elements kept.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;

export class JsonStreamError extends Error {}

/**
 * Small batches: what one JSON.parse makes of a batch is garbage a moment later, and V8 sizes its young
 * generation to the garbage rate; 64 KiB parses as fast per byte as 1 MiB did and keeps ~15 MiB less alive.
 */
const BATCH_BYTES = 64 * 1024;
const OPEN_BATCH = Buffer.from('[');
const CLOSE_BATCH = Buffer.from(']');
const COMMA = Buffer.from(',');

interface Segment {
  chunk: Uint8Array;
  start: number;
  end: number;
}

export async function collectJsonArray<T = unknown>(
  body: AsyncIterable<Uint8Array>,
  key: string,
  /** What to keep of an element (e.g. a compact copy), or undefined to drop it. */
  select: (element: unknown) => T | undefined,
): Promise<T[]> {
  keepYoungGenerationSmall();
  const kept: T[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let sawTopLevel = false;
  let sawTarget = false;
  // Keys of the top-level object: bytes of the last string closed at depth 1, then the key it names.
  let keyBytes: number[] | undefined;
  let lastString = '';
  let currentKey = '';
  // Inside the target array (at depth 2) and, when inside one of its elements, that element's bytes.
  let inTarget = false;
  let element: Segment[] | undefined;
  let elementStartDepth = 0;

  // Elements are parsed in batches (`[e1,e2,…]`): one JSON.parse per batch costs less than one per element.
  let batch: Uint8Array[] = [OPEN_BATCH];
  let batchBytes = 0;
  const flushBatch = () => {
    if (batch.length === 1) return;
    batch[batch.length - 1] = CLOSE_BATCH; // replaces the trailing comma
    const text = Buffer.concat(batch).toString('utf8');
    batch = [OPEN_BATCH];
    batchBytes = 0;
    let values: unknown[];
    try {
      values = JSON.parse(text) as unknown[];
    } catch (e) {
      throw new JsonStreamError(`invalid JSON in "${key}": ${(e as Error).message}`);
    }
    for (const value of values) {
      const picked = select(value);
      if (picked !== undefined) kept.push(picked);
    }
  };
  const finishElement = () => {
    for (const s of element ?? []) {
      batch.push(s.chunk.subarray(s.start, s.end));
      batchBytes += s.end - s.start;
    }
    batch.push(COMMA);
    element = undefined;
    if (batchBytes >= BATCH_BYTES) flushBatch();
  };

  for await (const chunk of body) {
    let segmentStart = 0;
    // Where the next backslash is in this chunk (-1: none left); strings are skipped with indexOf, the
    // only per-byte work is outside strings, where JSON has few bytes.
    let nextBackslash = chunk.indexOf(BACKSLASH);
    for (let i = 0; i < chunk.length; i++) {
      if (inString) {
        const from = i;
        let end = -1;
        if (escaped) {
          escaped = false;
          i++;
        }
        while (i < chunk.length) {
          const quote = chunk.indexOf(QUOTE, i);
          if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = chunk.indexOf(BACKSLASH, i);
          if (nextBackslash !== -1 && (quote === -1 || nextBackslash < quote)) {
            // A backslash escapes the next byte, which may be in the next chunk.
            if (nextBackslash + 1 >= chunk.length) escaped = true;
            i = nextBackslash + 2;
            nextBackslash = chunk.indexOf(BACKSLASH, i);
            continue;
          }
          end = quote;
          break;
        }
        if (keyBytes !== undefined) {
          const stop = end === -1 ? chunk.length : end;
          for (let k = from; k < stop; k++) keyBytes.push(chunk[k] as number);
        }
        if (end === -1) {
          i = chunk.length;
          break;
        }
        i = end;
        inString = false;
        if (keyBytes !== undefined) {
          lastString = decodeJsonString(keyBytes);
          keyBytes = undefined;
        }
        continue;
      }
      const b = chunk[i] as number;
      switch (b) {
        case QUOTE:
          inString = true;
          if (depth === 1 && !inTarget) keyBytes = [];
          break;
        case COLON:
          if (depth === 1) currentKey = lastString;
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          if (depth === 0) sawTopLevel = true;
          if (inTarget && depth === 2 && element === undefined) {
            element = [];
            segmentStart = i;
            elementStartDepth = depth;
          }
          if (depth === 1 && b === OPEN_ARRAY && currentKey === key && !sawTarget) {
            inTarget = true;
            sawTarget = true;
          }
          depth++;
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          depth--;
          if (depth < 0) throw new JsonStreamError('unbalanced JSON');
          if (element !== undefined && depth === elementStartDepth) {
            element.push({ chunk, start: segmentStart, end: i + 1 });
            finishElement();
          } else if (inTarget && depth === 1 && b === CLOSE_ARRAY) {
            inTarget = false;
          }
          break;
        default:
          break;
      }
    }
    if (element !== undefined) element.push({ chunk, start: segmentStart, end: chunk.length });
  }
  flushBatch();
  if (!sawTopLevel) throw new JsonStreamError('empty body');
  if (depth !== 0 || inString) throw new JsonStreamError('the JSON document ends early (truncated)');
  if (!sawTarget) throw new JsonStreamError(`no "${key}" array in the answer`);
  return kept;
}

function decodeJsonString(bytes: number[]): string {
  const raw = Buffer.from(bytes).toString('utf8');
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

let youngGenerationCapped = false;

/**
 * A stream of short-lived batches makes V8 grow its young generation (up to 3 × 16 MiB), most of it
 * garbage waiting for the next scavenge: on 5,000 tasks that is ~8 MiB of the process's peak, on 50,000
 * ~12 MiB. Keeping its semi-spaces at their starting size costs no time here (measured in `npm run bench`).
 * The flag is read each time V8 resizes the young generation, so setting it now still applies.
 */
function keepYoungGenerationSmall(): void {
  if (youngGenerationCapped) return;
  youngGenerationCapped = true;
  setFlagsFromString('--semi-space-growth-factor=1');
}
