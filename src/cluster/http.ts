import type { ClusterConfig } from '../config/types.js';
import { CliError, isCliError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import {
  bodyError,
  errorCode,
  isRetryableNetworkError,
  looksLikeHtml,
  networkError,
  shapeError,
  statusError,
  timeoutError,
  type RequestDescription,
  type ServiceRef,
} from './http-errors.js';
import { ShapeError } from './shape-error.js';
import { collectJsonArray, JsonStreamError } from './json-array-stream.js';
import { createTransport, type Transport, type TransportResponse } from './transport.js';

export type { ServiceRef } from './http-errors.js';

export interface RequestOptions<T> {
  service: ServiceRef;
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  /** Safe to send twice. Defaults to true for GET/HEAD only; only these are retried. */
  idempotent?: boolean;
  /** What a 404 means here ("app", "task"…), for the not-found message. */
  notFound?: string;
  /** Skip the Authorization header (the login request itself). */
  anonymous?: boolean;
  /** Validates and types the parsed JSON; throws ShapeError. */
  decode?: (doc: unknown) => T | Promise<T>;
  /**
   * Read a 2xx JSON answer as a stream and keep only what `select` returns for the elements of one
   * top-level array; the document handed to `decode` is then `{ [key]: kept }`. For answers too big to hold twice.
   */
  streamArray?: { key: string; select: (element: unknown) => unknown };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body when it was JSON. */
  json: unknown;
  /** Why a streamed JSON body could not be read (truncated, invalid). */
  jsonProblem?: string;
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Supplies the Authorization header value; may log in on first use. */
export type AuthorizationSource = () => Promise<string | undefined>;

const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 250, maxDelayMs: 2000 };
const RETRY_STATUSES = new Set([502, 503, 504]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 3;

/** Marks a failure that ends the retry loop at once: an exhausted deadline. */
class DeadlineReached extends Error {}

/**
 * The one HTTP client of a run: keep-alive connections (through HTTP(S)_PROXY when set), bounded
 * by the configured timeout per request, retrying idempotent requests on connection errors and
 * 502/503/504 with exponential backoff and jitter. Errors come out as one-line CliErrors.
 */
export class HttpClient {
  private transport: Promise<Transport> | undefined;
  private readonly secrets = new Set<string>();
  private readonly trustedOrigins = new Set<string>();
  private authorization: AuthorizationSource | undefined;

  constructor(
    private readonly config: Pick<ClusterConfig, 'tls' | 'timeoutMs' | 'proxy'>,
    private readonly log: Logger,
    private readonly userAgent: string,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /**
   * The token is only sent to these origins (the configured cluster URLs), never to an agent
   * address taken from Mesos state or to a redirect target elsewhere.
   */
  useAuthorization(source: AuthorizationSource, origins: string[]): void {
    this.authorization = source;
    for (const o of origins) this.trustedOrigins.add(new URL(o).origin);
  }

  /** Strings scrubbed from every error message this client produces. */
  addSecret(secret: string): void {
    if (secret.length >= 4) this.secrets.add(secret);
  }

  /** Parsed (and decoded) JSON of a 2xx answer; anything else throws a CliError. */
  async request<T = unknown>(method: string, url: string, options: RequestOptions<T>): Promise<T> {
    return (await this.call(method, url, options)).body;
  }

  /** Like request(), keeping the status (kill endpoints report it). */
  async call<T = unknown>(method: string, url: string, options: RequestOptions<T>): Promise<{ status: number; body: T }> {
    const { response, req } = await this.exchangeDescribed(method, url, options);
    try {
      if (response.status < 200 || response.status > 299) throw statusError(response.status, response.text, response.json, req);
      const doc = this.document(response, req);
      if (!options.decode) return { status: response.status, body: doc as T };
      try {
        return { status: response.status, body: await options.decode(doc) };
      } catch (e) {
        if (e instanceof ShapeError) throw shapeError(e.path, e.problem, req);
        throw e;
      }
    } catch (e) {
      throw this.scrub(e);
    }
  }

  /** Any status comes back as-is; only network failures and timeouts throw. */
  async exchange(method: string, url: string, options: RequestOptions<unknown>): Promise<RawResponse> {
    return (await this.exchangeDescribed(method, url, options)).response;
  }

  async close(): Promise<void> {
    const transport = this.transport;
    this.transport = undefined;
    if (transport) await (await transport).close();
  }

  private document(response: RawResponse, req: RequestDescription): unknown {
    if (response.jsonProblem !== undefined) throw bodyError('invalid-json', response.jsonProblem, req);
    if (response.json !== undefined) return response.json;
    const text = response.text.trim();
    if (text === '') return undefined;
    if (looksLikeHtml(text)) throw bodyError('html', '', req);
    if (text.startsWith('{') || text.startsWith('[')) {
      try {
        return JSON.parse(text);
      } catch (e) {
        throw bodyError('invalid-json', (e as Error).message, req);
      }
    }
    const type = header(response.headers, 'content-type');
    throw bodyError('not-json', type ? type.split(';')[0] ?? '' : 'plain text', req);
  }

  private async exchangeDescribed(method: string, url: string, options: RequestOptions<unknown>) {
    const target = new URL(url);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) target.searchParams.set(k, String(v));
    const idempotent = options.idempotent ?? (method === 'GET' || method === 'HEAD');
    const authorization = options.anonymous || !this.trustedOrigins.has(target.origin) ? undefined : await this.authValue();
    const req: RequestDescription = {
      service: options.service,
      method,
      url: target.href,
      timeoutMs: this.config.timeoutMs,
      authenticated: authorization !== undefined,
      redact: (text) => this.redact(text),
    };
    if (options.notFound !== undefined) req.notFound = options.notFound;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent };
    if (authorization !== undefined) headers.authorization = authorization;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    try {
      const response = await this.withRetries(req, idempotent, (signal) =>
        this.once(req, target, headers, body, idempotent, signal, options.streamArray),
      );
      return { response, req };
    } catch (e) {
      throw this.scrub(e);
    }
  }

  private async authValue(): Promise<string | undefined> {
    if (!this.authorization) return undefined;
    try {
      return await this.authorization();
    } catch (e) {
      throw this.scrub(e);
    }
  }

  private async withRetries(
    req: RequestDescription,
    idempotent: boolean,
    attempt: (signal: AbortSignal) => Promise<RawResponse>,
  ): Promise<RawResponse> {
    const deadline = Date.now() + req.timeoutMs;
    const attempts = idempotent ? Math.max(1, this.retry.attempts) : 1;
    for (let n = 1; ; n++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw timeoutError(req);
      let response: RawResponse | undefined;
      let failure: unknown;
      try {
        response = await withDeadline(attempt, remaining);
      } catch (e) {
        if (e instanceof DeadlineReached) throw timeoutError(req, e.cause);
        if (!isRetryableNetworkError(e)) throw networkError(e, req, phaseOf(e));
        failure = e;
      }
      const delay = backoff(this.retry, n);
      const retryable = response === undefined || RETRY_STATUSES.has(response.status);
      if (!retryable || n >= attempts || Date.now() + delay >= deadline) {
        if (response) return response;
        throw networkError(failure, req, phaseOf(failure));
      }
      const why = response ? `answered ${response.status}` : 'connection failed';
      this.log.verbose(`${req.service.name} ${why}; retrying ${req.method} ${req.url} in ${delay} ms (attempt ${n + 1}/${attempts})`);
      await sleep(delay);
    }
  }

  private async once(
    req: RequestDescription,
    target: URL,
    requestHeaders: Record<string, string>,
    body: string | undefined,
    idempotent: boolean,
    signal: AbortSignal,
    streamArray?: RequestOptions<unknown>['streamArray'],
  ): Promise<RawResponse> {
    let headers = requestHeaders;
    const started = performance.now();
    const trace = (outcome: string) =>
      this.log.verbose(`${req.method} ${target.href} → ${outcome} (${Math.round(performance.now() - started)} ms)`, 2);
    this.transport ??= createTransport(this.config);
    const transport = await this.transport;
    let res: TransportResponse;
    let url = target;
    for (let hops = 0; ; hops++) {
      try {
        res = await transport.request({ url, method: req.method, headers, ...(body === undefined ? {} : { body }), signal });
      } catch (e) {
        trace(`failed: ${errorCode(e) ?? String(e)}`);
        throw e;
      }
      // A standby Mesos master answers 307 to the leader: follow only what is safe to send again.
      const location = header(res.headers, 'location');
      if (!idempotent || !REDIRECT_STATUSES.has(res.statusCode) || location === undefined || hops >= MAX_REDIRECTS) break;
      res.body.destroy();
      const next = new URL(location, url);
      trace(`${res.statusCode}, redirected to ${next.href}`);
      // The token goes only to the cluster's own origins, never to wherever a redirect points.
      if (headers.authorization !== undefined && !this.trustedOrigins.has(next.origin)) {
        headers = { ...headers };
        delete headers.authorization;
      }
      url = next;
    }
    const ok = res.statusCode >= 200 && res.statusCode <= 299;
    if (streamArray && ok && isJsonType(header(res.headers, 'content-type'))) {
      return this.streamed(res, streamArray, trace);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      trace(`${res.statusCode}, body failed: ${errorCode(e) ?? String(e)}`);
      throw markBody(e);
    }
    trace(`${res.statusCode}, ${text.length} chars`);
    const json = isJsonType(header(res.headers, 'content-type')) ? tryJson(text) : undefined;
    return { status: res.statusCode, headers: res.headers, text, json };
  }

  private async streamed(
    res: TransportResponse,
    stream: NonNullable<RequestOptions<unknown>['streamArray']>,
    trace: (outcome: string) => void,
  ): Promise<RawResponse> {
    const base = { status: res.statusCode, headers: res.headers, text: '' };
    try {
      const kept = await collectJsonArray(res.body, stream.key, stream.select);
      trace(`${res.statusCode}, streamed, kept ${kept.length} of "${stream.key}"`);
      return { ...base, json: { [stream.key]: kept } };
    } catch (e) {
      if (!(e instanceof JsonStreamError)) {
        trace(`${res.statusCode}, body failed: ${errorCode(e) ?? String(e)}`);
        throw markBody(e);
      }
      res.body.destroy();
      return { ...base, json: undefined, jsonProblem: e.message };
    }
  }

  /** `text` with every known secret replaced by ***. */
  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }

  private scrub(e: unknown): unknown {
    if (!isCliError(e) || this.secrets.size === 0) return e;
    const message = this.redact(e.message);
    const hint = e.hint === undefined ? undefined : this.redact(e.hint);
    if (message === e.message && hint === e.hint) return e;
    return new CliError(e.kind, message, { ...(hint === undefined ? {} : { hint }), exitCode: e.exitCode });
  }
}

/** Runs `attempt` with an abort signal that fires at the deadline (headers and body alike). */
async function withDeadline<T>(run: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineReached('deadline')), ms);
  try {
    return await run(controller.signal);
  } catch (e) {
    if (controller.signal.aborted || isUndiciTimeout(e)) throw new DeadlineReached('deadline', { cause: e });
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

function isUndiciTimeout(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

const BODY_PHASE = Symbol('body phase');

function markBody(e: unknown): unknown {
  if (typeof e === 'object' && e !== null) (e as Record<symbol, boolean>)[BODY_PHASE] = true;
  return e;
}

function phaseOf(e: unknown): 'connect' | 'body' {
  return typeof e === 'object' && e !== null && (e as Record<symbol, boolean>)[BODY_PHASE] === true ? 'body' : 'connect';
}

/** Exponential with ±50 % jitter so many clients do not retry in lockstep. */
function backoff(policy: RetryPolicy, attempt: number): number {
  const base = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(base * (0.5 + Math.random()));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function isJsonType(type: string | undefined): boolean {
  return type !== undefined && /^application\/([\w.+-]*\+)?json\b/i.test(type);
}

function tryJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
