import { parseMesosDuration } from '../recovery/duration.js';
import type { AgentReport } from '../recovery/report.js';
import { formatMs, parseSystemdTimeSpanMs } from '../recovery/systemd-time.js';

/**
 * What a restart of the `mesos-agent` process, or a reboot of its host, does to each task on the agent
 * (Mesos docs/agent-recovery.md; the seed note on agent recovery). Pure: the facts come from the master's
 * /state, the agent's own /state and `agent recovery-config`'s reading of the agent's configuration.
 */

export type TaskVerdict = 'survives' | 'at-risk' | 'killed' | 'unknown';
export type AgentVerdict = TaskVerdict | 'nothing-running';
export type CheckMode = 'restart' | 'reboot';

export interface FrameworkFacts {
  id: string;
  name: string;
  /** FrameworkInfo.checkpoint from the master's /state; null when the master did not say. */
  checkpoint: boolean | null;
  partitionAware: boolean;
}

export interface TaskFacts {
  task: string;
  name: string;
  framework: FrameworkFacts;
  /** Who lists the task: the master's /state, the agent's own /state, or both. */
  seenBy: ('master' | 'agent')[];
  /** Set for Marathon tasks: the app, and whether the task sits on a reservation with persistent volumes. */
  marathon: { app: string; resident: boolean } | null;
}

/** The recovery facts of one agent, taken from `agent recovery-config`'s report. */
export interface AgentRecoveryFacts {
  /** Why the configuration could not be read; then nothing else is known. */
  unreadable: string | null;
  recover: { value: string; location: string | null; remedy: string | null } | null;
  /** What the running agent's executors use: the live /flags value, else the files'. */
  recoveryTimeout: { ns: number; text: string; from: 'running agent' | 'files' } | null;
  executorReregistrationNs: number;
  restartSecMs: number | null;
  /** The files would stop the agent from starting (a value Mesos refuses, a missing EnvironmentFile). */
  startBlocker: { reason: string; location: string | null; remedy: string } | null;
}

export interface TaskResult {
  verdict: TaskVerdict;
  reasons: string[];
  remedy: string | null;
}

const START_BLOCKING_RULES = new Set(['invalid-value', 'env-file-missing']);

/**
 * Reads the recovery facts out of a recovery-config agent report. `recoverFrom: 'files'`: the restarted
 * process's `recover` is what its files say (a fix written but not yet applied), not what the running one uses.
 */
export function recoveryFactsOf(report: AgentReport, o: { recoverFrom?: 'running' | 'files' } = {}): AgentRecoveryFacts {
  if (report.unreachable !== null || report.settings === null) {
    return { unreadable: report.unreachable ?? 'configuration not read', recover: null, recoveryTimeout: null, executorReregistrationNs: 0, restartSecMs: null, startBlocker: null };
  }
  const s = report.settings;
  const recoverFinding = report.findings.find((f) => f.rule === 'recover-cleanup');
  const liveTimeout = s.recovery_timeout.live === null ? undefined : parseMesosDuration(s.recovery_timeout.live);
  const fileTimeout = s.recovery_timeout.canonical === null ? undefined : parseMesosDuration(s.recovery_timeout.canonical);
  const recoveryTimeout =
    liveTimeout !== undefined
      ? { ns: liveTimeout, text: s.recovery_timeout.live as string, from: 'running agent' as const }
      : fileTimeout !== undefined
        ? { ns: fileTimeout, text: s.recovery_timeout.value, from: 'files' as const }
        : null;
  const rereg = s.executor_reregistration_timeout;
  const blocker = report.findings.find((f) => START_BLOCKING_RULES.has(f.rule) && f.severity === 'error');
  return {
    unreadable: null,
    recover: {
      value: (o.recoverFrom === 'files' ? null : s.recover.live) ?? s.recover.canonical ?? s.recover.value,
      location: s.recover.location,
      remedy: recoverFinding?.remedy ?? null,
    },
    recoveryTimeout,
    executorReregistrationNs: parseMesosDuration(rereg.live ?? rereg.canonical ?? '') ?? 2e9,
    restartSecMs: report.unit?.restartSec.seconds == null ? null : report.unit.restartSec.seconds * 1000,
    startBlocker: blocker ? { reason: blocker.reason, location: blocker.location, remedy: blocker.remedy } : null,
  };
}

export interface RestartContext {
  /** How long the agent stays stopped: --downtime, at least the unit's RestartSec. */
  downtimeMs: number;
  /** The master's re-registration window; null when unknown. */
  windowSeconds: number | null;
}

const at = (location: string | null) => (location ? ` (${location})` : '');

/**
 * A process restart: executors keep running and reconnect if their framework checkpoints, the restarted
 * agent recovers (recover=reconnect, it starts at all), it is back within recovery_timeout, and it
 * re-registers before the master gives up on it.
 */
export function restartVerdict(task: TaskFacts, agent: AgentRecoveryFacts, ctx: RestartContext): TaskResult {
  const killed: string[] = [];
  const risks: string[] = [];
  const unknown: string[] = [];
  const remedies: string[] = [];
  const fw = task.framework;

  if (fw.checkpoint === false) {
    killed.push(`framework ${fw.name} (${fw.id}) registered without checkpointing: its executors end with the agent process`);
    remedies.push(fw.name === 'marathon' ? 'run Marathon with checkpointing (drop --disable_checkpoint)' : `register ${fw.name} with FrameworkInfo.checkpoint=true, or move the task off this agent first`);
  } else if (fw.checkpoint === null) unknown.push(`framework ${fw.name}: the master's /state does not say whether it checkpoints`);

  if (agent.unreadable !== null) {
    unknown.push(`the agent's recovery settings could not be read: ${agent.unreadable}`);
    return result(killed, risks, unknown, remedies);
  }
  if (agent.recover?.value === 'cleanup') {
    killed.push(`recover=cleanup${at(agent.recover.location)}: the restarted agent kills every executor it finds`);
    if (agent.recover.remedy) remedies.push(agent.recover.remedy);
  }
  if (agent.startBlocker) {
    killed.push(`the agent will not start with its current files${at(agent.startBlocker.location)}: ${agent.startBlocker.reason}; executors give up once recovery_timeout passes`);
    remedies.push(agent.startBlocker.remedy);
  }
  const down = formatMs(ctx.downtimeMs);
  if (agent.recoveryTimeout === null) unknown.push('recovery_timeout is unknown');
  else if (ctx.downtimeMs >= agent.recoveryTimeout.ns / 1e6) {
    killed.push(`down for ${down}, not less than recovery_timeout ${agent.recoveryTimeout.text} (${agent.recoveryTimeout.from === 'running agent' ? "the running agent's value, which its executors use" : 'from the files'}): the executors terminate themselves`);
    remedies.push('keep the agent stopped for less than recovery_timeout, or raise it (and restart the agent once to apply it) before the maintenance');
  }
  if (ctx.windowSeconds === null) unknown.push("the master's re-registration window is unknown");
  else {
    const neededMs = ctx.downtimeMs + agent.executorReregistrationNs / 1e6;
    if (neededMs >= ctx.windowSeconds * 1000) {
      const why = `down for ${down} plus executor re-registration ${formatMs(agent.executorReregistrationNs / 1e6)}, not within the master's window of ${ctx.windowSeconds}s: the master marks the agent unreachable`;
      if (fw.partitionAware) risks.push(`${why}; ${fw.name} is partition-aware, so the task shows TASK_UNREACHABLE until the agent re-registers, then carries on`);
      else killed.push(`${why}; ${fw.name} is not partition-aware, so its tasks are killed when the agent re-registers`);
      remedies.push('restart within the window (lower RestartSec, keep the downtime short), or drain the agent first with `agent maintenance`');
    }
  }
  return result(killed, risks, unknown, remedies);
}

function result(killed: string[], risks: string[], unknown: string[], remedies: string[]): TaskResult {
  const verdict: TaskVerdict = killed.length > 0 ? 'killed' : unknown.length > 0 ? 'unknown' : risks.length > 0 ? 'at-risk' : 'survives';
  const reasons = [...killed, ...unknown, ...risks];
  return { verdict, reasons: reasons.length > 0 ? reasons : ['checkpointed, recover=reconnect, back within recovery_timeout and the master\'s window'], remedy: remedies.length > 0 ? [...new Set(remedies)].join('; ') : null };
}

/** An OS reboot: nothing survives; what happens next depends on the task. */
export function rebootVerdict(task: TaskFacts): TaskResult {
  const next = task.marathon?.resident
    ? `resident task of ${task.marathon.app}: pinned to its reservation here, relaunched only when this agent returns`
    : task.marathon
      ? `Marathon reschedules ${task.marathon.app} on another agent`
      : `${task.framework.name} decides whether to relaunch it elsewhere`;
  return {
    verdict: 'killed',
    reasons: [`an OS reboot kills every executor and task on the agent (recovery does not cross reboots); ${next}`],
    remedy: task.marathon?.resident ? 'scale the app up elsewhere first if it must stay available, or accept the outage until the agent is back' : null,
  };
}

const RANK: Record<AgentVerdict, number> = { 'nothing-running': 0, survives: 1, 'at-risk': 2, unknown: 3, killed: 4 };

export function agentVerdict(tasks: readonly TaskResult[], unreadable: boolean): AgentVerdict {
  if (tasks.length === 0) return unreadable ? 'unknown' : 'nothing-running';
  return tasks.reduce<AgentVerdict>((worst, t) => (RANK[t.verdict] > RANK[worst] ? t.verdict : worst), 'survives');
}

/** How long the agent is down: what the operator says, but never less than systemd's RestartSec. */
export function effectiveDowntimeMs(requestedMs: number | null, restartSecMs: number | null): number {
  return Math.max(requestedMs ?? 0, restartSecMs ?? 0);
}

/**
 * `--downtime`: a Mesos duration (`30mins`) or a systemd time span (`90s`, `1h 30min`); milliseconds, or
 * why not. Infinity is refused: an agent that never comes back is `--reboot`'s question (and wipe's).
 */
export function parseDowntime(text: string): { ms: number } | { problem: string } {
  const mesosNs = parseMesosDuration(text);
  const ms = mesosNs !== undefined ? mesosNs / 1e6 : parseSystemdTimeSpanMs(text);
  if (ms === undefined || !Number.isFinite(ms)) return { problem: `'${text}' is not a duration (e.g. 90s, 10min, 30mins, 2h)` };
  return { ms };
}
