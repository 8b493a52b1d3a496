import { CliError, type ErrorKind } from '../core/errors.js';
import { DEFAULT_TIMEOUT_SECONDS, type ConfigSource } from './types.js';

/**
 * Pure parsers for single configuration values. `label` names where the value came from
 * ("--timeout", "DCOS_TIMEOUT", "~/.dcos/clusters/<id>/dcos.toml core.timeout") so errors say what to fix.
 */

/** A value together with where it was found. */
export interface Sourced<T> {
  value: T;
  source: ConfigSource;
  label: string;
}

/** The first layer that has a value: flags > env > dcos.toml. */
export function firstOf<T>(...candidates: (Sourced<T | undefined> | undefined)[]): Sourced<T> | undefined {
  for (const c of candidates) {
    if (c !== undefined && c.value !== undefined && c.value !== '') return c as Sourced<T>;
  }
  return undefined;
}

export function errorKindFor(source: ConfigSource): ErrorKind {
  return source === 'flag' ? 'usage' : 'config';
}

/**
 * `https://master.example.com/` → `https://master.example.com`. Only http(s); no credentials,
 * query or fragment (they would end up in messages and logs).
 */
export function normalizeUrl(raw: string, label: string, source: ConfigSource): string {
  const kind = errorKindFor(source);
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(kind, `${label}: '${text}' is not a URL`, { hint: 'Give a full URL such as https://<master-host>.' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(kind, `${label}: '${text}' is not an http(s) URL`, {
      hint: 'Give a full URL such as https://<master-host> (the scheme is required).',
    });
  }
  if (url.username || url.password) {
    throw new CliError(kind, `${label}: the URL must not contain credentials`, {
      hint: 'Pass a token with DCOS_ACS_TOKEN or --acs-token-file instead.',
    });
  }
  if (url.search || url.hash) throw new CliError(kind, `${label}: the URL must not contain a query or fragment`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Seconds (fractions allowed) → milliseconds. */
export function parseTimeoutSeconds(raw: string | undefined, label: string, source: ConfigSource): number {
  if (raw === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  const text = raw.trim();
  const seconds = /^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new CliError(errorKindFor(source), `${label}: expected a positive number of seconds, got '${raw}'`);
  }
  return Math.max(1, Math.round(seconds * 1000));
}

/** Go's strconv.ParseBool, the only spellings dcos-cli (pkg/config/cluster.go TLS) takes as a boolean. */
const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/**
 * core.ssl_verify / DCOS_SSL_VERIFY as dcos-cli reads them: empty = verify with the system roots, a
 * strconv.ParseBool word = verify or not, anything else (`FaLsE`, ` false`) = a CA bundle path.
 */
export function parseSslVerify(raw: string): { verify: boolean; caPath?: string } {
  if (raw === '' || TRUE_WORDS.has(raw)) return { verify: true };
  if (FALSE_WORDS.has(raw)) return { verify: false };
  return { verify: true, caPath: raw };
}

/** What "no timeout" becomes here: a day, still within setTimeout's range. */
export const NO_TIMEOUT_MS = 86_400_000;

/**
 * core.timeout as dcos-cli reads it (cast.ToInt64 seconds): a TOML number is truncated (`12.5` → 12s), a string
 * must be a whole number (`"12.5"` reads as 0), and 0 means no request timeout. Milliseconds.
 */
export function parseTomlTimeout(raw: number | string, label: string): number {
  let seconds: number;
  if (typeof raw === 'number') seconds = Math.trunc(raw);
  else if (/^\d+$/.test(raw)) seconds = Number(raw);
  // dcos-cli reads "12.5" as 0 (no timeout): kept, since clusters set up that way run without one.
  else if (/^\d*\.\d+$/.test(raw)) seconds = 0;
  // dcos-cli would silently run without a timeout on any other text: refused here instead.
  else throw new CliError('config', `${label}: expected a number of seconds (0 = no timeout), got ${JSON.stringify(raw)}`);
  if (seconds < 0) throw new CliError('config', `${label}: expected a whole number of seconds (0 = no timeout), got ${JSON.stringify(raw)}`);
  return seconds === 0 ? NO_TIMEOUT_MS : seconds * 1000;
}

/** DCOS_TLS_INSECURE as the DC/OS CLI hands it to plugins: "1" (we also take true/yes). */
export function isTruthyFlag(raw: string | undefined): boolean {
  return raw !== undefined && ['1', 'true', 'yes'].includes(raw.trim().toLowerCase());
}

/** A token goes into an HTTP header: refuse what would break the header or hint at a wrong file. */
export function checkToken(token: string, label: string, source: ConfigSource): string {
  const trimmed = token.trim();
  if (trimmed === '') throw new CliError(errorKindFor(source), `${label}: the ACS token is empty`);
  if (/[\s\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new CliError(errorKindFor(source), `${label}: the ACS token contains whitespace or control characters`, {
      hint: 'A token file must hold just the token (one line).',
    });
  }
  return trimmed;
}
