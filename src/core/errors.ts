/**
 * Exit codes are part of the CLI's contract with scripts (documented in README.md).
 * Keep them stable: CI pipelines branch on them.
 */
export const ExitCode = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  REFUSED: 4,
  PARTIAL: 5,
  AUTH: 6,
  UNREACHABLE: 7,
  CHECK_FAILED: 8,
  /** Data was deleted, then the cluster changed (the instance relaunched on it, or the expunge was refused). */
  CHANGED: 9,
  /** The operator declined at a confirmation prompt (typed something else): nothing was done. */
  DECLINED: 10,
  /** A rolling restart stopped at an agent that did not come back right; the agents after it were not restarted. */
  ROLL_STOPPED: 11,
  INTERRUPTED: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorKind =
  | 'error'
  | 'usage'
  | 'config'
  | 'not-found'
  | 'refused'
  | 'partial'
  | 'auth'
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'remote'
  | 'check-failed'
  | 'declined'
  | 'interrupted';

const exitCodeByKind: Record<ErrorKind, ExitCodeValue> = {
  error: ExitCode.ERROR,
  usage: ExitCode.USAGE,
  config: ExitCode.USAGE,
  'not-found': ExitCode.NOT_FOUND,
  refused: ExitCode.REFUSED,
  partial: ExitCode.PARTIAL,
  auth: ExitCode.AUTH,
  unreachable: ExitCode.UNREACHABLE,
  timeout: ExitCode.UNREACHABLE,
  tls: ExitCode.UNREACHABLE,
  remote: ExitCode.ERROR,
  'check-failed': ExitCode.CHECK_FAILED,
  declined: ExitCode.DECLINED,
  interrupted: ExitCode.INTERRUPTED,
};

export interface CliErrorOptions {
  /** A next step for the operator, printed on its own line after the error. */
  hint?: string;
  /** Low-level cause, shown only with --verbose. */
  cause?: unknown;
  exitCode?: ExitCodeValue;
}

/** An error meant for the operator: one clear line, a distinct exit code, no stack trace. */
export class CliError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly exitCode: ExitCodeValue;

  constructor(kind: ErrorKind, message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.kind = kind;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? exitCodeByKind[kind];
  }
}

export function usageError(message: string, hint?: string): CliError {
  return new CliError('usage', message, hint === undefined ? {} : { hint });
}

export function notFound(message: string, hint?: string): CliError {
  return new CliError('not-found', message, hint === undefined ? {} : { hint });
}

export function isCliError(e: unknown): e is CliError {
  return e instanceof CliError;
}

/**
 * The exit code when every agent a command targeted failed over SSH: 6 when the failures are authentication
 * (at least one) and otherwise cannot-connect/timeout (an agent that is down cannot deny us; fixing the
 * credentials is the step), 7 when all could not be reached. Then nothing was checked and a script can act
 * on the cause, which "partial" (5) would hide. null when an agent answered or any other failure occurred.
 */
export function sharedAgentFailureCode(failures: readonly CliError[], targeted: number): ExitCodeValue | null {
  if (targeted === 0 || failures.length !== targeted) return null;
  const codes = new Set(failures.map((e) => e.exitCode));
  if ([...codes].some((c) => c !== ExitCode.AUTH && c !== ExitCode.UNREACHABLE)) return null;
  return codes.has(ExitCode.AUTH) ? ExitCode.AUTH : ExitCode.UNREACHABLE;
}

/**
 * `wipe`'s exit code (README "Exit codes"): the worst thing that happened decides. `outcomes` are the tasks'
 * results; `refusedInPlan`, the tasks preflight refused (never attempted).
 */
export function wipeExitCode(outcomes: readonly { outcome: string }[], refusedInPlan: number): ExitCodeValue {
  if (outcomes.some((r) => r.outcome === 'interrupted')) return ExitCode.INTERRUPTED;
  if (outcomes.some((r) => r.outcome === 'relaunched' || r.outcome === 'deleted-not-expunged')) return ExitCode.CHANGED;
  const ok = outcomes.filter((r) => r.outcome === 'wiped' || r.outcome === 'expunged' || r.outcome === 'skipped').length;
  const refused = outcomes.filter((r) => r.outcome === 'refused').length + refusedInPlan;
  if (ok === outcomes.length && refused === 0) return ExitCode.OK;
  if (ok > 0) return ExitCode.PARTIAL;
  return outcomes.every((r) => r.outcome === 'refused') ? ExitCode.REFUSED : ExitCode.ERROR;
}

/**
 * `agent recovery-config --fix`'s exit code (README "Exit codes"): `results` of the edits, `roll` of the
 * restarts (null without --restart), whether the plan refused something, whether some agent went unread.
 */
export function recoveryFixExitCode(
  results: readonly { outcome: string }[],
  roll: { interrupted?: boolean; stoppedAt?: unknown; agents: readonly { outcome: string }[] } | null,
  refusedInPlan: boolean,
  unread = false,
): ExitCodeValue {
  if (results.some((r) => r.outcome === 'interrupted') || roll?.interrupted) return ExitCode.INTERRUPTED;
  if (roll?.stoppedAt) return ExitCode.ROLL_STOPPED;
  const failed = results.filter((r) => r.outcome === 'failed').length;
  if (failed > 0) return failed === results.length ? ExitCode.ERROR : ExitCode.PARTIAL;
  if (refusedInPlan || results.some((r) => r.outcome === 'refused') || (roll?.agents.some((a) => a.outcome === 'refused') ?? false)) return ExitCode.REFUSED;
  return unread ? ExitCode.PARTIAL : ExitCode.OK;
}

/** The message of whatever was thrown: an Error's own, anything else as text. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
