import { existsSync } from 'node:fs';
import { usageError } from '../core/errors.js';
import type { ClusterSource } from '../cluster/clients.js';
import type { Logger } from '../core/log.js';
import { mockClusterSource } from './agent-transport.js';
import { permissionModel } from './ssh/permissions.js';
import { FaultSpecError, parseFaults } from './faults.js';
import { SERVICE_ACCOUNT_UID, defaultMockDir, stateFilePath } from './paths.js';
import { isLoopbackAddress } from './loopback.js';
import { issueToken } from './tokens.js';
import { readStateFile } from './store.js';

const DIRECT_AGENT_LIMIT = 100;

export interface EmbeddedMockOptions {
  stateDir?: string;
  env: NodeJS.ProcessEnv;
  homedir: string;
  log: Logger;
}

export interface EmbeddedMock {
  url: string;
  /** A valid ACS token when the mock cluster requires authentication. */
  token?: string;
  stateDir: string;
  /** Journals and agent SSH for this mock (context.ts hands it on; nothing else knows it is the mock). */
  source: ClusterSource;
  close(): Promise<void>;
}

/**
 * The mock cluster for one CLI run (`--mock`): seeds the default scenario on first use, then serves the
 * state directory on an ephemeral loopback port until the command ends.
 */
export async function startEmbeddedMock(o: EmbeddedMockOptions): Promise<EmbeddedMock> {
  const stateDir = o.stateDir ?? defaultMockDir(o.env, o.homedir);
  let faults;
  try {
    faults = parseFaults(o.env.STATEFUL_OPS_MOCK_FAULTS);
  } catch (e) {
    if (e instanceof FaultSpecError) throw usageError(`STATEFUL_OPS_MOCK_FAULTS: ${e.message}`);
    throw e;
  }
  if (!existsSync(stateFilePath(stateDir))) {
    const { resetMock } = await import('./scenario.js');
    resetMock({ stateDir, scenario: 'default', flavour: '1.10', requireAuth: false });
    o.log.info(`mock: seeded the default scenario (Marathon 1.10) in ${stateDir}`);
    const permissions = permissionModel(o.env);
    if (!permissions.enforced) o.log.info(`mock agents: ${permissions.description}`);
  }
  const served = o.env.STATEFUL_OPS_MOCK_URL;
  if (served !== undefined && served !== '') return alreadyServed(served, stateDir, o.log);
  // The CLI reaches agents through Admin Router paths; binding hundreds of agent addresses would only
  // slow every run down on big generated clusters. The HTTP mock (msw) loads only here: a run against a
  // `mock serve` keeps the heap of a run against a real cluster (each ssh spawn forks that heap).
  const { startMockServer } = await import('./server.js');
  const server = await startMockServer({ stateDir, faults, directAgentLimit: DIRECT_AGENT_LIMIT, log: (m) => o.log.verbose(m) });
  const state = server.store.current();
  const mock: EmbeddedMock = { url: server.url, stateDir, source: mockClusterSource(stateDir), close: () => server.close() };
  if (state.auth.required) mock.token = issueToken(state, SERVICE_ACCOUNT_UID);
  return mock;
}

/**
 * `STATEFUL_OPS_MOCK_URL`: a `mock serve` of the same state directory already answers HTTP, in a process of
 * its own (benchmarks: the figures then measure the tool, not the mock sharing its event loop). The SSH
 * agents and journals are the run's as usual; both sides read and write the same state files.
 */
function alreadyServed(url: string, stateDir: string, log: Logger): EmbeddedMock {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`STATEFUL_OPS_MOCK_URL: '${url}' is not a URL (give what \`mock serve\` printed)`);
  }
  if (parsed.protocol !== 'http:' || !isLoopbackAddress(parsed.hostname)) {
    throw usageError(`STATEFUL_OPS_MOCK_URL: ${url} is not an http:// address on 127.0.0.0/8 (the mock serves loopback only)`);
  }
  const state = readStateFile(stateDir);
  if (state === undefined) throw usageError(`STATEFUL_OPS_MOCK_URL: no mock cluster in ${stateDir} (run \`mock reset\` and \`mock serve\` on it first)`);
  log.verbose(`mock: using the mock serve at ${url} for ${stateDir}`);
  const mock: EmbeddedMock = { url: url.replace(/\/+$/, ''), stateDir, source: mockClusterSource(stateDir), close: async () => undefined };
  if (state.auth.required) mock.token = issueToken(state, SERVICE_ACCOUNT_UID);
  return mock;
}
