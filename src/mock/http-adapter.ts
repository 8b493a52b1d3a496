import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { getResponse, type RequestHandler } from 'msw';
import { planFaults, requestScope, type FaultPlan, type FaultRule } from './faults.js';
import { proxyErrorPage } from './pages.js';

/**
 * node:http ⇄ Fetch: turns an IncomingMessage into a Request, lets msw's `getResponse` pick the handler,
 * writes the Response back (streaming the body), and applies the configured faults on the way.
 */

export interface ListenerInfo {
  /** Set on the listeners bound to an agent's own address (plain-Mesos direct access). */
  directAgentId?: string;
}

export interface AdapterOptions {
  handlers: RequestHandler[];
  faults: () => FaultRule[];
  /** Per-request facts the handlers need and a client must not be able to forge (no headers). */
  listenerOf: WeakMap<Request, ListenerInfo>;
  onError: (message: string) => void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

function writeChunk(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (res.write(chunk)) resolve();
    else {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.once('drain', done);
      res.once('close', done);
    }
  });
}

async function sendResponse(res: ServerResponse, response: Response, plan: FaultPlan, signal: AbortSignal, isHead: boolean): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const setCookies = response.headers.getSetCookie();
  if (setCookies.length > 0) headers['set-cookie'] = setCookies;
  const reshaped = plan.truncate || plan.slowBodyMs !== undefined;
  if (reshaped) delete headers['content-length'];
  res.writeHead(response.status, STATUS_CODES[response.status] ?? '', headers);
  if (isHead || !response.body) {
    res.end();
    return;
  }
  if (!reshaped) {
    for await (const chunk of response.body) {
      if (signal.aborted) return;
      await writeChunk(res, chunk as Uint8Array);
    }
    res.end();
    return;
  }
  let body: Buffer = Buffer.from(await response.arrayBuffer());
  if (plan.truncate) body = body.subarray(0, Math.floor(body.length / 2));
  if (plan.slowBodyMs === undefined) {
    res.end(body);
    return;
  }
  res.flushHeaders();
  const size = Math.max(1, Math.ceil(body.length / 8));
  if (body.length === 0) await sleep(plan.slowBodyMs, signal);
  for (let offset = 0; offset < body.length; offset += size) {
    await sleep(plan.slowBodyMs, signal);
    if (signal.aborted) return;
    await writeChunk(res, body.subarray(offset, offset + size));
  }
  res.end();
}

/**
 * msw tries every handler in turn, compiling its path pattern and parsing the request's cookies each time
 * (≈2.5 ms a request here): this hands it only the handlers that could match — same order, so the same
 * handler answers — by method and by the pattern's literal start (case-insensitive, as msw matches).
 */
export function handlerIndex(handlers: readonly RequestHandler[]): (method: string, pathname: string) => RequestHandler[] {
  const entries = handlers.map((handler) => {
    const info = handler.info as { method?: string | RegExp; path?: string | RegExp };
    const literal = typeof info.path === 'string' ? (info.path.split(/[:*(?+{]/, 1)[0] as string) : '';
    // A pattern naming a whole URL, or not a string at all, is always tried.
    const prefix = literal.startsWith('/') ? literal.replace(/\/+$/, '').toLowerCase() : '';
    return { handler, method: info.method, prefix };
  });
  return (method, pathname) => {
    const path = pathname.toLowerCase();
    return entries
      .filter((e) => (e.method === undefined || (e.method instanceof RegExp ? e.method.test(method) : e.method.toUpperCase() === method.toUpperCase())) && path.startsWith(e.prefix))
      .map((e) => e.handler);
  };
}

export function createRequestListener(o: AdapterOptions, listener: ListenerInfo) {
  const candidates = handlerIndex(o.handlers);
  return (req: IncomingMessage, res: ServerResponse): void => {
    const controller = new AbortController();
    // Only a client that went away mid-answer aborts (an abort builds a DOMException: ≈0.1 ms a request).
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    handle(req, res, controller.signal).catch((e: unknown) => {
      o.onError(`mock request ${req.method ?? ''} ${req.url ?? ''} failed: ${(e as Error).message}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'mock server error' }));
      } else res.destroy();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const host = req.headers.host ?? '127.0.0.1';
    const url = new URL(req.url ?? '/', `http://${host}`);
    const plan = planFaults(o.faults(), requestScope(url.pathname, listener.directAgentId !== undefined), Math.random, req.method ?? 'GET');
    if (plan.replace?.type === 'drop') {
      req.socket.destroy();
      return;
    }
    if (plan.replace?.type === 'hang') return; // closed by the server's shutdown
    await sleep(plan.latencyMs, signal);
    if (signal.aborted) return;

    let response: Response;
    if (plan.replace?.type === 'status') {
      response = faultResponse(plan.replace.status, plan.replace.html);
    } else {
      const body = await readBody(req);
      const request = new Request(url, {
        method: req.method ?? 'GET',
        headers: toHeaders(req),
        ...(body && body.length > 0 ? { body: new Uint8Array(body) } : {}),
        signal,
      });
      o.listenerOf.set(request, listener);
      response = (await getResponse(candidates(request.method, url.pathname), request, { baseUrl: url.origin })) ?? new Response(null, { status: 404 });
    }
    await sendResponse(res, response, plan, signal, req.method === 'HEAD');
  }
}

function faultResponse(status: number, html: boolean): Response {
  if (html) return new Response(proxyErrorPage(status), { status, headers: { 'content-type': 'text/html' } });
  return Response.json({ message: `injected fault: HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trim() }, { status });
}
