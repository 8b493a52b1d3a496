import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AgentAccess } from '../agent/access.js';
import { fanOut } from '../agent/fanout.js';
import { normalizeAgentPath } from '../agent/agent-path.js';
import type { AgentTarget } from '../agent/settings.js';
import { sshFailureError } from '../agent/ssh-errors.js';
import type { ClusterClients } from '../context.js';
import { notFound, usageError, type CliError } from '../errors.js';
import type { MesosAgent } from '../cluster/mesos-types.js';
import { layerSettings, type EnvFileInput } from '../domain/recovery/layering.js';
import { agentReport, unreachableReport, type AgentIdentity, type AgentReport, type ClusterReport } from '../domain/recovery/report.js';
import { evaluateAgent, evaluateCluster, fileUnreadable, unitNotFound, type Finding } from '../domain/recovery/rules.js';
import { NEWEST_SYSTEMD, dropInDirs, orderDropIns, parseSystemctlVersion, systemdRules, type SystemdRules } from '../domain/recovery/systemd-version.js';
import {
  DCOS_AGENT_UNITS,
  DCOS_VERSION_FILE,
  SYSTEMD_UNIT_DIR,
  dcosAgentEnvironmentFiles,
  dcosVersionOf,
  parseUnit,
  type UnitConfig,
  type UnitSource,
} from '../domain/recovery/unit-file.js';
import { describeWindow, reregistrationWindow, type ReregistrationWindow } from '../domain/recovery/window.js';

/**
 * The I/O of `agent recovery-config`: each agent's unit, drop-ins and EnvironmentFiles read over SSH
 * (bounded fan-out; one round trip per agent, two when the unit has drop-ins) or from local copies, the
 * running agents' /flags, and the cluster facts (master flags and state, Marathon /v2/info).
 */

/** What one path held: a file's text, a directory's entry names, nothing, or something we may not read. */
export type PathContent =
  | { kind: 'file'; text: string }
  | { kind: 'directory'; names: string[] }
  | { kind: 'absent' }
  | { kind: 'unreadable'; reason: string };

/** Reads many agent paths in one round trip. */
export interface ConfigReader {
  read(paths: readonly string[]): Promise<Map<string, PathContent>>;
  /** The first line of the agent's `systemctl --version` (read with the first paths); null: none answered. */
  systemctlVersion(): string | null;
}

/**
 * First `V <systemctl --version's first line>` (empty when there is no systemctl), then one line per path, in
 * argument order: `F <base64>` (a file), `D <base64 of NUL-terminated names>`, `A` (absent) or `E` (not
 * readable). Paths are positional parameters, never spliced into the script.
 */
const READ_PATHS_SCRIPT =
  `printf 'V %s\n' "$(systemctl --version 2>/dev/null | head -n 1 | tr -d '\n')"; ` +
  'for p do ' +
  `if [ -d "$p" ] && { [ ! -r "$p" ] || [ ! -x "$p" ]; }; then printf E; ` +
  `elif [ -d "$p" ]; then printf 'D %s' "$(find "$p" -mindepth 1 -maxdepth 1 -printf '%f\\0' | base64 -w0)"; ` +
  `elif [ ! -e "$p" ]; then printf A; ` +
  `elif b=$(base64 -w0 < "$p" 2>/dev/null); then printf 'F %s' "$b"; ` +
  'else printf E; fi; echo; done';

/** `sudo`: the files were read as root, so "permission denied" cannot be helped by --sudo. */
export function parseReadPaths(
  stdout: string,
  paths: readonly string[],
  sudo = false,
): { contents: Map<string, PathContent>; systemctlVersion: string | null } {
  const all = stdout.split('\n').slice(0, -1);
  const first = all[0] ?? '';
  if (!first.startsWith('V ')) throw new Error('unexpected answer: no systemctl --version line');
  const systemctlVersion = first.slice(2) === '' ? null : first.slice(2);
  const lines = all.slice(1);
  if (lines.length !== paths.length) throw new Error(`unexpected answer: ${lines.length} records for ${paths.length} paths`);
  const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
  const contents = new Map(
    paths.map((path, i): [string, PathContent] => {
      const line = lines[i] as string;
      if (line.startsWith('F ')) return [path, { kind: 'file', text: decode(line.slice(2)) }];
      if (line.startsWith('D ')) return [path, { kind: 'directory', names: decode(line.slice(2)).split('\0').filter(Boolean).sort() }];
      if (line === 'A') return [path, { kind: 'absent' }];
      return [path, { kind: 'unreadable', reason: sudo ? 'permission denied (even as root)' : 'permission denied, try --sudo' }];
    }),
  );
  return { contents, systemctlVersion };
}

export function sshConfigReader(access: AgentAccess, agent: AgentTarget, signal: AbortSignal): ConfigReader {
  let version: string | null = null;
  return {
    async read(paths) {
      const what = `reading ${paths.length} configuration paths`;
      const result = await access.shell.runScript(agent, READ_PATHS_SCRIPT, paths.map(normalizeAgentPath), { signal, what });
      if (result.exitCode !== 0) throw sshFailureError(agent, { exitCode: result.exitCode, signal: null, stderr: result.stderr }, what);
      const parsed = parseReadPaths(result.stdout.toString('utf8'), paths, access.settings.sudo);
      version ??= parsed.systemctlVersion;
      return parsed.contents;
    },
    systemctlVersion: () => version,
  };
}

/** A directory laid out like an agent's `/`. */
export function localConfigReader(root: string): ConfigReader {
  const readOne = async (path: string): Promise<PathContent> => {
    let local: string;
    try {
      local = join(root, normalizeAgentPath(path));
    } catch (e) {
      return { kind: 'unreadable', reason: (e as Error).message };
    }
    try {
      if ((await stat(local)).isDirectory()) return { kind: 'directory', names: (await readdir(local)).sort() };
      return { kind: 'file', text: await readFile(local, 'utf8') };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      return ['ENOENT', 'ENOTDIR'].includes(code) ? { kind: 'absent' } : { kind: 'unreadable', reason: (e as Error).message };
    }
  };
  // A copy on disk has no systemctl: --systemd (or the newest) says which rules apply.
  return { read: async (paths) => new Map(await Promise.all(paths.map(async (p) => [p, await readOne(p)] as const))), systemctlVersion: () => null };
}

export interface CollectedConfig {
  unitPath: string | null;
  dropIns: string[];
  unit: UnitConfig | null;
  envFiles: EnvFileInput[];
  readFindings: Finding[];
  systemd: SystemdRules;
  systemdSource: 'agent' | 'option' | 'default';
  dcosVersion: string | null;
}

const UNIT_PATHS = [DCOS_AGENT_UNITS.private, DCOS_AGENT_UNITS.public].map((u) => `${SYSTEMD_UNIT_DIR}/${u}`);
/** Read in the first round on speculation: what a DC/OS agent's unit names, private or public. */
const STANDARD_ENV_FILES = [...new Set([...dcosAgentEnvironmentFiles(false), ...dcosAgentEnvironmentFiles(true)].map((f) => f.path))];

/** Every directory any modelled systemd reads drop-ins of either unit from (a superset: read before the version is known). */
const ALL_DROP_IN_DIRS = [...new Set(UNIT_PATHS.flatMap((u) => dropInDirs(u.split('/').pop() as string, systemdRules(NEWEST_SYSTEMD))))];

/**
 * Round 1 reads the systemd version, the DC/OS version, both possible units, every drop-in directory and every
 * EnvironmentFile a DC/OS unit names; round 2, only when needed, the drop-ins and files the unit adds; round 3
 * files only drop-ins add. `systemd` (--systemd) overrides the agent's own version.
 */
export async function collectAgentConfig(
  reader: ConfigReader,
  o: { preferPublic?: boolean; offline: boolean; systemd?: number },
): Promise<CollectedConfig> {
  const contents = new Map<string, PathContent>();
  const fetch = async (paths: string[]) => {
    const missing = [...new Set(paths)].filter((p) => !contents.has(p));
    if (missing.length === 0) return;
    for (const [path, content] of await reader.read(missing)) contents.set(path, content);
  };
  const text = (path: string) => {
    const c = contents.get(path);
    return c?.kind === 'file' ? c.text : null;
  };
  await fetch([...UNIT_PATHS, ...ALL_DROP_IN_DIRS, DCOS_VERSION_FILE, ...STANDARD_ENV_FILES]);
  const reported = parseSystemctlVersion(reader.systemctlVersion() ?? '');
  const systemdSource = o.systemd !== undefined ? 'option' : reported !== undefined ? 'agent' : 'default';
  const systemd = systemdRules(o.systemd ?? reported ?? NEWEST_SYSTEMD);
  const dcosVersion = text(DCOS_VERSION_FILE) === null ? null : dcosVersionOf(text(DCOS_VERSION_FILE) as string);

  const present = UNIT_PATHS.filter((u) => ['file', 'unreadable'].includes(contents.get(u)?.kind ?? ''));
  const unitPath = present.length > 1 ? (UNIT_PATHS[o.preferPublic ? 1 : 0] as string) : (present[0] ?? null);
  let unit: UnitConfig | null = null;
  let dropIns: string[] = [];
  if (unitPath !== null && text(unitPath) !== null) {
    const listed = dropInDirs(unitPath.split('/').pop() as string, systemd).flatMap((dir) => {
      const c = contents.get(dir);
      return c?.kind === 'directory' ? [{ dir, names: c.names }] : [];
    });
    dropIns = orderDropIns(listed);
    const main = parseUnit([{ path: unitPath, text: text(unitPath) as string }], systemd);
    await fetch([...dropIns, ...main.environmentFiles.map((f) => f.path)]);
    const sources: UnitSource[] = [unitPath, ...dropIns].flatMap((path) => (text(path) === null ? [] : [{ path, text: text(path) as string }]));
    unit = parseUnit(sources, systemd);
    await fetch(unit.environmentFiles.map((f) => f.path));
  }
  const declared: Omit<EnvFileInput, 'text'>[] = unit
    ? unit.environmentFiles.map((f) => ({ path: f.path, optional: f.optional, declaredAt: { file: f.file, line: f.line } }))
    : dcosAgentEnvironmentFiles(o.preferPublic ?? false, dcosVersion);

  const readFindings: Finding[] = unitPath === null ? [unitNotFound(SYSTEMD_UNIT_DIR, o.offline)] : [];
  for (const path of [...(unitPath ? [unitPath] : []), ...dropIns]) {
    const c = contents.get(path);
    if (c?.kind === 'unreadable') readFindings.push(fileUnreadable(path, c.reason, undefined));
  }
  const envFiles: EnvFileInput[] = [];
  for (const f of declared) {
    const c = contents.get(f.path);
    if (c?.kind === 'unreadable') readFindings.push(fileUnreadable(f.path, c.reason, f.declaredAt));
    else if (c?.kind === 'directory') readFindings.push(fileUnreadable(f.path, 'it is a directory', f.declaredAt));
    else envFiles.push({ ...f, text: c?.kind === 'file' ? c.text : null });
  }
  return { unitPath: unit ? unitPath : null, dropIns, unit, envFiles, readFindings, systemd, systemdSource, dcosVersion };
}

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

const AGENT_ID = /^[0-9a-zA-Z-]+-S\d+$/;

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
  // A value naming no agent is a wrong filter (exit 3, nothing checked), like every other command's --agent;
  // a hostname the master does not list is still checked over SSH (an agent that left the cluster).
  const nowhere: string[] = [];
  for (const value of unknown) {
    const isId = AGENT_ID.test(value);
    const identity = { agent: isId ? value : null, host: isId ? null : value, path: null };
    const target = isId ? undefined : access.target({ host: value });
    // A host outside the reachable world (the mock's agents are its only hosts) is never contacted.
    if (!target || access.refuseHost(value) !== undefined) nowhere.push(value);
    else meta.set(target, { agent: null, identity });
  }
  if (nowhere.length > 0) {
    throw notFound(
      `no agent ${nowhere.map((v) => `'${v}'`).join(', ')} is known to the Mesos master`,
      'Give an agent id or hostname the master lists (or, for an agent removed from the master, its hostname).',
    );
  }
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

/** The master's agents in its order, restricted to the `--agent` values; values it does not know are kept apart. */
export function selectAgents(listed: readonly MesosAgent[], wanted: readonly string[]): { known: MesosAgent[]; unknown: string[] } {
  if (wanted.length === 0) return { known: [...listed], unknown: [] };
  const matches = (a: MesosAgent, v: string) => a.id === v || a.hostname === v;
  return {
    known: listed.filter((a) => wanted.some((v) => matches(a, v))),
    unknown: [...new Set(wanted.filter((v) => !listed.some((a) => matches(a, v))))],
  };
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

const messageOf = (reason: unknown) => (reason instanceof Error ? reason.message : String(reason));

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
