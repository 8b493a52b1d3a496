import type { AgentAccess } from '../../agent/access.js';
import type { ClusterClients } from '../../context/context.js';
import type { CliError } from '../../core/errors.js';
import { planAgentFix, type AgentFixPlan } from '../../domain/recovery/fix-plan.js';
import { layerSettings } from '../../domain/recovery/layering.js';
import type { AgentReport, ClusterReport } from '../../domain/recovery/report.js';
import type { SettingName } from '../../domain/recovery/settings.js';
import { checkClusterRecovery } from './check.js';
import type { CollectedConfig } from '../../domain/recovery/collect.js';

/** One agent of `agent recovery-config --fix`: what was found, and what will be edited. */
export interface AgentFix {
  agent: string | null;
  host: string | null;
  /** The agent's systemd unit (for the restart); null when none was found. */
  unit: string | null;
  report: AgentReport;
  /** null: the agent could not be read (its report says why). */
  plan: AgentFixPlan | null;
  /** What the plan was computed from (the files and the systemd that reads them). */
  collected: CollectedConfig | null;
}

export interface FleetFixPlan {
  agents: AgentFix[];
  cluster: ClusterReport;
  contacted: number;
  failures: CliError[];
}

/** Reads every agent as `agent recovery-config` does and plans its edits. */
export async function planFleetFix(
  clients: ClusterClients,
  openAccess: () => Promise<AgentAccess>,
  o: { agents: readonly string[]; set?: Partial<Record<SettingName, string>>; signal: AbortSignal },
): Promise<FleetFixPlan> {
  const checked = await checkClusterRecovery(clients, openAccess, { agents: o.agents, signal: o.signal });
  const agents = checked.agents.map((report): AgentFix => {
    const found = checked.collected.get(report.agent ?? report.host ?? '');
    if (!found || report.unreachable !== null) return { agent: report.agent, host: report.host, unit: null, report, plan: null, collected: null };
    const { collected } = found;
    const layered = layerSettings({ unit: collected.unit, envFiles: collected.envFiles, systemd: collected.systemd });
    const plan = planAgentFix({
      envFiles: collected.envFiles,
      unit: collected.unit,
      systemd: collected.systemd,
      layered,
      findings: report.findings,
      ...(o.set ? { set: o.set } : {}),
    });
    return { agent: report.agent, host: report.host, unit: collected.unitPath?.split('/').pop() ?? null, report, plan, collected };
  });
  return { agents, cluster: checked.cluster, contacted: checked.contacted, failures: checked.failures };
}
