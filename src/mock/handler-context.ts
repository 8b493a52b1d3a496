import type { ListenerInfo } from './http-adapter.js';
import type { DestroyedVolumeDir, NewVolumeDir } from './marathon-ops.js';
import type { MockStore } from './store.js';

/** What every route handler needs from the running server. */
export interface MockContext {
  store: MockStore;
  /** The port the server listens on (agent pids and the Marathon leader address use it). */
  port(): number;
  listenerOf: WeakMap<Request, ListenerInfo>;
  /** Create the directories of volumes that fresh reservations brought. */
  createVolumeDirs(dirs: NewVolumeDir[]): void;
  /** What the agent does with a destroyed volume's directory (Mesos ≥ 1.0). */
  destroyVolumeDirs(dirs: DestroyedVolumeDir[]): void;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

export function html(body: string, status: number, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8', ...headers } });
}

export function text(body: string, status: number): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

const encoder = new TextEncoder();
/** Chunks of about this many characters keep memory flat whether items are tasks or whole agents. */
const CHUNK_CHARS = 1 << 20;

/**
 * `prefix` + items joined by commas + `suffix`, rendered lazily chunk by chunk: a 50,000-task answer never
 * exists as one string, and the first bytes leave before the last task is rendered.
 */
export function streamJsonArray<T>(prefix: string, items: readonly T[], suffix: string, render: (item: T) => unknown, headers: Record<string, string> = {}): Response {
  let index = 0;
  let started = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      let chunk = started ? '' : prefix;
      started = true;
      while (index < items.length && chunk.length < CHUNK_CHARS) {
        chunk += (index > 0 ? ',' : '') + JSON.stringify(render(items[index] as T));
        index += 1;
      }
      if (index >= items.length) {
        controller.enqueue(encoder.encode(chunk + suffix));
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(chunk));
    },
  });
  return new Response(stream, { status: 200, headers: { ...JSON_HEADERS, ...headers } });
}

/** Marathon's boolean query parameters: only "true" (any case) is true, like Java's Boolean.valueOf. */
export function queryFlag(url: URL, name: string): boolean {
  return url.searchParams.get(name)?.toLowerCase() === 'true';
}
