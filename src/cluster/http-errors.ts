import { CliError, messageOf } from '../core/errors.js';

/**
 * Pure mapping from what happened on the wire to one operator-facing line. Every message names the
 * service (Marathon, Mesos master, agent <id>, ACS) and never contains request headers, so no token.
 */

/** Who answered, for messages: "Marathon", "Mesos master", "agent <id>", "ACS". */
export interface ServiceRef {
  name: string;
  baseUrl: string;
}

export interface RequestDescription {
  service: ServiceRef;
  method: string;
  url: string;
  /** What a 404 means for this call: "app", "task", "agent"… */
  notFound?: string;
  timeoutMs: number;
  /** Whether an Authorization header was sent (selects the 401 hint). */
  authenticated: boolean;
  /** Masks known secrets in upstream text before it is shortened into a message. */
  redact?: (text: string) => string;
}

const TLS_HINT =
  "To trust the cluster's CA, pass --ca-bundle <file> (or set DCOS_TLS_CA_PATH, or core.ssl_verify to its path); " +
  '--insecure skips verification (unsafe).';
const URL_HINT = 'Check --url / DCOS_URL (or --marathon-url / --mesos-url); --mock runs against an offline mock cluster.';

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host is down',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  ETIMEDOUT: 'connection timed out',
};

const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH|^ERR_TLS|^ERR_SSL|^EPROTO$/;

/** The first errno-style code in an error, its cause chain or an AggregateError's members. */
export function errorCode(e: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && code !== 'UND_ERR' && code !== 'ERR_ABORTED') return code;
  const nested = [(e as { cause?: unknown }).cause, ...(((e as { errors?: unknown[] }).errors) ?? [])];
  for (const n of nested) {
    const found = errorCode(n, depth + 1);
    if (found) return found;
  }
  return typeof code === 'string' ? code : undefined;
}

/** Connection failures worth retrying for idempotent requests (not TLS problems, not timeouts). */
export function isRetryableNetworkError(e: unknown): boolean {
  const code = errorCode(e);
  return code !== undefined && code in NETWORK_REASONS && code !== 'UND_ERR_CONNECT_TIMEOUT' && code !== 'ETIMEDOUT';
}

export function timeoutError(req: RequestDescription, cause?: unknown): CliError {
  return new CliError('timeout', `${req.service.name} did not answer within ${seconds(req.timeoutMs)} (${req.method} ${req.url})`, {
    hint: 'Give it longer with --timeout <seconds> (or DCOS_TIMEOUT / core.timeout).',
    cause,
  });
}

export function networkError(e: unknown, req: RequestDescription, phase: 'connect' | 'body'): CliError {
  const code = errorCode(e);
  const where = `${req.service.name} at ${req.service.baseUrl}`;
  if (code !== undefined && TLS_CODE.test(code)) {
    const wrongScheme = code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO';
    return new CliError('tls', `TLS handshake with ${where} failed: ${tlsReason(e, code)}`, {
      hint: wrongScheme ? 'The server may not speak TLS: check whether the URL should start with http://.' : TLS_HINT,
      cause: e,
    });
  }
  if (phase === 'body') {
    return new CliError('unreachable', `${req.service.name} closed the connection before the whole answer arrived (${req.method} ${req.url})`, {
      hint: 'The answer was cut off; retry, and check proxies or load balancers in between.',
      cause: e,
    });
  }
  const reason = (code && NETWORK_REASONS[code]) ?? messageOf(e);
  return new CliError('unreachable', `cannot reach ${where}: ${reason}`, { hint: URL_HINT, cause: e });
}

function tlsReason(e: unknown, code: string): string {
  const message = e instanceof Error ? e.message : '';
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN') return 'self-signed certificate (untrusted CA)';
  if (code.startsWith('UNABLE_TO')) return 'certificate signed by an unknown authority';
  if (code === 'CERT_HAS_EXPIRED') return 'the certificate has expired';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return "the certificate does not match the host name";
  return message ? `${oneLine(message)} (${code})` : code;
}

/** A non-2xx answer → CliError. `text` is the raw body, `json` its parse when it was JSON. */
export function statusError(status: number, text: string, json: unknown, req: RequestDescription): CliError {
  const name = req.service.name;
  const upstream = upstreamMessage(json, req.redact) ?? plainText(text, req.redact);
  const what = `${req.method} ${req.url}`;
  const said = upstream ? `: ${upstream}` : '';
  if (status === 401) {
    return new CliError('auth', `token expired or missing: ${name} answered 401${said}`, {
      hint: req.authenticated
        ? 'Log in again (`dcos auth login`) and rerun, or set a fresh DCOS_ACS_TOKEN / --acs-token-file.'
        : 'This cluster needs a login: set DCOS_ACS_TOKEN, pass --acs-token-file, or use a service account (--sa-uid, --sa-key-file).',
    });
  }
  if (status === 403) {
    return new CliError('auth', `not authorized: ${name} answered 403${said} (${what})`, {
      hint: 'The account behind the token lacks permission for this operation; ask a cluster admin.',
    });
  }
  if (text.includes('Could not determine the current leader')) {
    return new CliError('unreachable', `no ${name} leader: ${name} answered ${status} "Could not determine the current leader"`, {
      hint: `${name} is electing a leader or has lost ZooKeeper; retry in a minute.`,
    });
  }
  if (looksLikeHtml(text) && json === undefined) {
    return new CliError(status >= 502 && status <= 504 ? 'unreachable' : 'remote', `${name} answered ${status} with an HTML page instead of JSON (${what})`, {
      hint: status >= 502 && status <= 504 ? `A proxy in front of ${name} could not reach it; retry later.` : URL_HINT,
    });
  }
  if (status === 404 && upstream !== undefined && !/^URI not found/.test(upstream)) {
    return new CliError('not-found', `no such ${req.notFound ?? 'object'}: ${upstream}`);
  }
  if (status === 409) return conflictError(json, upstream, name);
  if (status === 400 || status === 422) {
    return new CliError('remote', `${name} rejected the request${said}${validationDetails(json, req.redact)} (${what})`);
  }
  if (status >= 502 && status <= 504) {
    return new CliError('unreachable', `${name} answered ${status}${said} (${what})`, { hint: 'The service is unavailable; retry later.' });
  }
  return new CliError('remote', `${name} answered ${status}${said} (${what})`);
}

function conflictError(json: unknown, upstream: string | undefined, name: string): CliError {
  const deployments = (json as { deployments?: unknown } | undefined)?.deployments;
  const ids = Array.isArray(deployments)
    ? deployments.map((d) => (d as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string')
    : [];
  const list = ids.length > 0 ? ` (deployment${ids.length > 1 ? 's' : ''} ${ids.join(', ')})` : '';
  return new CliError('remote', `app is locked by a deployment${list}: ${upstream ?? `${name} answered 409`}`, {
    hint: 'Wait for the deployment to finish (`dcos marathon deployment list`), then retry.',
  });
}

/** 2xx but not usable JSON. */
export function bodyError(kind: 'html' | 'invalid-json' | 'not-json', detail: string, req: RequestDescription): CliError {
  const what = `${req.method} ${req.url}`;
  const name = req.service.name;
  if (kind === 'html') {
    return new CliError('remote', `${name} answered with an HTML page instead of JSON (is the URL right?) (${what})`, { hint: URL_HINT });
  }
  if (kind === 'invalid-json') {
    // V8 quotes a slice of the body in parse errors; the body is not ours to print.
    const reason = oneLine(detail.replace(/, ".*" is not valid JSON$/s, ''), req.redact, 120);
    return new CliError('remote', `${name} answered invalid or truncated JSON (${reason}) (${what})`, {
      hint: 'Retry; if it persists, a proxy may be cutting answers short.',
    });
  }
  return new CliError('remote', `${name} answered ${detail || 'something other than JSON'} instead of JSON (${what})`, { hint: URL_HINT });
}

export function shapeError(path: string, problem: string, req: RequestDescription): CliError {
  return new CliError('remote', `${req.service.name} answered an unexpected document: ${path || '(root)'}: ${problem} (${req.method} ${req.url})`, {
    hint: 'Is this a Marathon/Mesos version stateful-ops supports (Marathon 1.1–1.10, Mesos 1.x)?',
  });
}

type Redact = ((text: string) => string) | undefined;

/** Marathon `{message}`, ACS `{description}` / `{title}`. */
export function upstreamMessage(json: unknown, redact?: Redact): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const o = json as Record<string, unknown>;
  for (const key of ['message', 'description', 'title']) {
    const v = o[key];
    if (typeof v === 'string' && v.trim() !== '') return oneLine(v, redact);
  }
  return undefined;
}

function validationDetails(json: unknown, redact: Redact): string {
  const details = (json as { details?: unknown } | undefined)?.details;
  if (typeof details === 'string') return ` (${oneLine(details, redact)})`;
  if (!Array.isArray(details)) return '';
  const parts = details.slice(0, 3).map((d) => {
    const { path, errors } = (d ?? {}) as { path?: unknown; errors?: unknown };
    const errs = Array.isArray(errors) ? errors.filter((x) => typeof x === 'string').join(', ') : '';
    return `${typeof path === 'string' ? path : '?'} ${errs}`.trim();
  });
  return parts.length > 0 ? ` (${oneLine(parts.join('; '), redact)})` : '';
}

/** A short plain-text body (e.g. Mesos' "Agent has not finished recovery"), never HTML. */
function plainText(text: string, redact: Redact): string | undefined {
  const t = text.trim();
  if (t === '' || looksLikeHtml(t) || t.startsWith('{') || t.startsWith('[')) return undefined;
  return oneLine(t.slice(0, 10_000), redact);
}

export function looksLikeHtml(text: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body|<\?xml|<h1|<title)/i.test(text.slice(0, 200));
}

/** Secrets are masked before shortening: a cut-off token would slip past a later scrub. */
export function oneLine(text: string, redact?: Redact, max = 300): string {
  const flat = (redact ? redact(text) : text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : Number(s.toFixed(2))}s`;
}
