import type { AgentTransport } from '../agent/access.js';
import type { ClusterConfig } from '../config/types.js';
import type { Io } from '../core/io.js';
import type { Logger } from '../core/log.js';
import type { MarathonApi, MesosApi } from './api.js';

export interface ClusterClients {
  config: ClusterConfig;
  marathon: MarathonApi;
  mesos: MesosApi;
  /** `<dcos_url>/metadata`, undefined without a DC/OS URL. */
  dcosMetadata(): Promise<Record<string, unknown> | undefined>;
  /** Set when the cluster comes with its own local state and agent transport (the embedded mock). */
  source?: ClusterSource;
}

/**
 * What a cluster source decides beyond HTTP. The embedded mock (src/mock/) is the only one: it keeps
 * journals in its state directory and brings the SSH servers of its agents; everything else in the
 * tool talks to it exactly as to a real cluster.
 */
export interface ClusterSource {
  /** Where the state of destructive operations (journals, locks) lives. */
  stateDir: string;
  /** Names the cluster in journal keys, stable across runs. */
  identity: string;
  openAgentTransport(io: Io, log: Logger): Promise<AgentTransport>;
}
