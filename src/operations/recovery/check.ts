import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AgentAccess } from '../../agent/access.js';
import { fanOut } from '../../agent/fanout.js';
import type { AgentTarget } from '../../agent/settings.js';
import { localConfigReader, sshConfigReader } from '../../agent/config-reader.js';
import type { ClusterClients } from '../../cluster/clients.js';
import { collectAgentConfig, type CollectedConfig } from '../../domain/recovery/collect.js';
import { looksLikeAgentId, selectAgents } from '../../domain/agent-selection.js';
import { messageOf, notFound, usageError, type CliError } from '../../core/errors.js';
import type { MesosAgent } from '../../model/mesos.js';
import { layerSettings } from '../../domain/recovery/layering.js';
import { agentReport, unreachableReport, type AgentIdentity, type AgentReport, type ClusterReport } from '../../domain/recovery/report.js';
import { evaluateAgent, evaluateCluster } from '../../domain/recovery/rules.js';
import { NEWEST_SYSTEMD, systemdRules } from '../../domain/recovery/systemd-version.js';
import { DCOS_AGENT_UNITS } from '../../domain/recovery/unit-file.js';
import { describeWindow, reregistrationWindow, type ReregistrationWindow } from '../../domain/recovery/window.js';

/**
 * The I/O of `agent recovery-config`: each agent's unit, drop-ins and EnvironmentFiles read over SSH
 * (bounded fan-out; one round trip per agent, two when the unit has drop-ins) or from local copies, the
 * running agents' /flags, and the cluster facts (master flags and state, Marathon /v2/info).
 */

/** Layering, rules and the report for one agent's collected configuration. */
export function checkCollected(
  identity: AgentIdentity,
  collected: CollectedConfig,
  context: { live: Readonly<Record<string, string>> | null; window: ReregistrationWindow | null; offline: boolean; notes: string[] },
): AgentReport {
  const { unit } = collected;
  const layered = layerSettings({ unit, envFiles: collected.envFiles, systemd: collected.systemd });
  const unitName = collected.unitPath?.split('/').pop() ?? DCOS_AGENT_UNITS.private;
  const evaluation = evaluateAgent({
    layered,
    unit: unit && { name: unitName, killMode: unit.killMode, killModeEffective: unit.killModeEffective, restartSec: unit.restartSec },
    live: context.live,
    window: context.window,
    offline: context.offline,
  });
  return agentReport({
    identity,
    layered,
    evaluation,
    readFindings: collected.readFindings,
    unit:
      unit && collected.unitPath
        ? {
            path: collected.unitPath,
            dropIns: collected.dropIns,
            environmentFiles: unit.environmentFiles,
            killMode: unit.killMode,
            killModeEffective: unit.killModeEffective,
            restartSec: unit.restartSec,
          }
        : null,
    systemd: { version: collected.systemd.version, rules: collected.systemd.model, source: collected.systemdSource },
    dcosVersion: collected.dcosVersion,
    live: context.live,
    notes: context.notes,
  });
}

export interface ClusterCheckOptions {
  /** `--agent` values (id or hostname); all agents the master lists when empty. */
  agents: readonly string[];
  signal: AbortSignal;
  /** Called once the agents are known, then after each agent. */
  onProgress?: (done: number, total: number) => void;
}

/** An agent's report with the files it was made from (what `--fix` plans its edits on). */
export interface CheckedConfig {
  report: AgentReport;
  collected: CollectedConfig;
}

export interface ClusterCheck {
  agents: AgentReport[];
  cluster: ClusterReport;
  /** Agents contacted over SSH and why each failed one failed (for the shared-failure exit code). */
  contacted: number;
  failures: CliError[];
  /** The configuration each reachable agent's report was made from, by agent id (or host). */
  collected: Map<string, CheckedConfig>;
}

/**
 * A value naming no agent is a wrong filter (exit 3, nothing checked), like every other command's --agent:
 * an agent id the master does not list, or a host outside the reachable world (the mock's agents are its
 * only hosts). A hostname the master does not list may be an agent that left the cluster: it passes.
 */
export function refuseUnknownAgents(unknown: readonly string[], access: Pick<AgentAccess, 'refuseHost'>): void {
  const nowhere = unknown.filter((value) => looksLikeAgentId(value) || access.refuseHost(value) !== undefined);
  if (nowhere.length > 0) {
    throw notFound(
      `no agent ${nowhere.map((v) => `'${v}'`).join(', ')} is known to the Mesos master`,
      'Give an agent id or hostname the master lists (or, for an agent removed from the master, its hostname).',
    );
  }
}

export async function checkClusterRecovery(
  clients: ClusterClients,
  openAccess: () => Promise<AgentAccess>,
  o: ClusterCheckOptions,
): Promise<ClusterCheck> {
  const clusterFacts = gatherClusterFacts(clients);
  clusterFacts.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  const listed = (await clients.mesos.agents()).slaves;
  const { known, unknown } = selectAgents(listed, o.agents);
  const access = await openAccess();
  // fanOut listens on the signal once per agent in flight.
  const meta = new Map<AgentTarget, { agent: MesosAgent | null; identity: AgentIdentity }>();
  for (const a of known) meta.set(access.target({ id: a.id, host: a.hostname }), { agent: a, identity: { agent: a.id, host: a.hostname, path: null } });
  // A hostname the master does not list is still checked over SSH (an agent that left the cluster).
  refuseUnknownAgents(unknown, access);
  for (const host of unknown) meta.set(access.target({ host }), { agent: null, identity: { agent: null, host, path: null } });
  const targets = [...meta.keys()];
  let done = 0;
  o.onProgress?.(done, targets.length);
  const outcomes = await fanOut(
    targets,
    async (target, signal) => {
      const { agent, identity } = meta.get(target) as { agent: MesosAgent | null; identity: AgentIdentity };
      const notes: string[] = [];
      const live = agent
        ? clients.mesos.agentFlags(agent.id).catch((e: Error) => {
            notes.push(`live /flags unavailable (${e.message}): drift not checked`);
            return null;
          })
        : Promise.resolve(null);
      if (!agent) notes.push('not known to the Mesos master: drift not checked');
      const preferPublic = agent?.attributes?.public_ip === 'true' || agent?.attributes?.public_ip === true;
      const collected = await collectAgentConfig(sshConfigReader(access, target, signal), { preferPublic, offline: false });
      const { window } = await clusterFacts;
      return { report: checkCollected(identity, collected, { live: await live, window, offline: false, notes }), collected };
    },
    {
      concurrency: access.settings.concurrency,
      perAgentTimeoutMs: access.settings.perAgentTimeoutMs,
      signal: o.signal,
      onSettled: () => o.onProgress?.(++done, targets.length),
    },
  );
  const reports = outcomes.map((out) => (out.ok ? out.value.report : unreachableReport((meta.get(out.agent) as { identity: AgentIdentity }).identity, out.error.message)));
  const failures = outcomes.flatMap((out) => (out.ok ? [] : [out.error]));
  const collected = new Map(outcomes.flatMap((out) => (out.ok ? [[out.value.report.agent ?? out.value.report.host ?? '', out.value] as const] : [])));
  return { agents: reports, cluster: (await clusterFacts).report, contacted: targets.length, failures, collected };
}

async function gatherClusterFacts(clients: ClusterClients): Promise<{ window: ReregistrationWindow | null; report: ClusterReport }> {
  const notes: string[] = [];
  const [flags, info, state] = await Promise.allSettled([clients.mesos.masterFlags(), clients.marathon.info(), clients.mesos.masterState()]);
  let window: ReregistrationWindow | null = null;
  if (flags.status === 'fulfilled') {
    const w = reregistrationWindow(flags.value);
    if ('problem' in w) notes.push(`re-registration window unknown: ${w.problem}`);
    else window = w;
  } else notes.push(`master /flags unavailable (${messageOf(flags.reason)}): re-registration window not checked`);

  const marathon = info.status === 'fulfilled' ? info.value : undefined;
  if (info.status === 'rejected') notes.push(`Marathon /v2/info unavailable (${messageOf(info.reason)}): its checkpoint setting not checked`);
  const marathonCheckpoint = typeof marathon?.marathon_config.checkpoint === 'boolean' ? marathon.marathon_config.checkpoint : undefined;
  let framework: { id: string; checkpoint: boolean | undefined } | undefined;
  if (state.status === 'fulfilled') {
    const name = marathon?.marathon_config.framework_name ?? 'marathon';
    const all = state.value.frameworks ?? [];
    const found = all.find((f) => marathon?.frameworkId && f.id === marathon.frameworkId) ?? all.find((f) => f.name === name);
    if (found) framework = { id: found.id, checkpoint: typeof found.checkpoint === 'boolean' ? found.checkpoint : undefined };
    else notes.push(`Marathon's framework is not registered with the Mesos master: its checkpoint flag not checked`);
  } else notes.push(`master /state unavailable (${messageOf(state.reason)}): framework checkpointing not checked`);

  const findings = evaluateCluster({ ...(marathonCheckpoint === undefined ? {} : { marathonCheckpoint }), ...(framework ? { framework } : {}) });
  return {
    window,
    report: {
      reregistrationWindow: window && { ...window, text: describeWindow(window) },
      checkpoint: {
        marathon: marathonCheckpoint ?? null,
        framework: framework ? { id: framework.id, checkpoint: framework.checkpoint ?? null } : null,
      },
      findings,
      notes,
    },
  };
}


/**
 * `--file`: each path is an EnvironmentFile, or a directory laid out like an agent's `/`. No cluster needed.
 * `systemd`: the version whose rules read them (--systemd); the newest when not given.
 */
export async function checkLocalPaths(paths: readonly string[], cwd: string, systemd?: number): Promise<AgentReport[]> {
  const reports: AgentReport[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
      throw usageError(`--file ${given}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
    });
    const identity = { agent: null, host: null, path: given };
    const context = { live: null, window: null, offline: true, notes: [] };
    if (info.isDirectory()) {
      reports.push(checkCollected(identity, await collectAgentConfig(localConfigReader(path), { offline: true, ...(systemd === undefined ? {} : { systemd }) }), context));
      continue;
    }
    const text = await readFile(path, 'utf8');
    if (/^\s*\[(Unit|Service|Install)\]\s*$/m.test(text)) {
      throw usageError(
        `--file ${given} is a systemd unit, not an EnvironmentFile`,
        'To check a unit, pass a directory laid out like an agent (<dir>/etc/systemd/system/<unit> and its EnvironmentFiles).',
      );
    }
    const collected: CollectedConfig = {
      unitPath: null,
      dropIns: [],
      unit: null,
      envFiles: [{ path: given, optional: false, text }],
      readFindings: [],
      systemd: systemdRules(systemd ?? NEWEST_SYSTEMD),
      systemdSource: systemd === undefined ? 'default' : 'option',
      dcosVersion: null,
    };
    reports.push(checkCollected(identity, collected, context));
  }
  return reports;
}
