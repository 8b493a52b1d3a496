import { existsSync } from 'node:fs';
import { usageError } from '../core/errors.js';
import type { ClusterSource } from '../cluster/clients.js';
import type { Logger } from '../core/log.js';
import { mockClusterSource } from './agent-transport.js';
import { permissionModel } from './ssh/permissions.js';
import { FaultSpecError, parseFaults } from './faults.js';
import { SERVICE_ACCOUNT_UID, defaultMockDir, stateFilePath } from './paths.js';
import { issueToken } from './routes-acs.js';
import { resetMock } from './scenario.js';
import { startMockServer } from './server.js';

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
    resetMock({ stateDir, scenario: 'default', flavour: '1.10', requireAuth: false });
    o.log.info(`mock: seeded the default scenario (Marathon 1.10) in ${stateDir}`);
    const permissions = permissionModel(o.env);
    if (!permissions.enforced) o.log.info(`mock agents: ${permissions.description}`);
  }
  // The CLI reaches agents through Admin Router paths; binding hundreds of agent addresses would only
  // slow every run down on big generated clusters.
  const server = await startMockServer({ stateDir, faults, directAgentLimit: DIRECT_AGENT_LIMIT, log: (m) => o.log.verbose(m) });
  const state = server.store.current();
  const mock: EmbeddedMock = { url: server.url, stateDir, source: mockClusterSource(stateDir), close: () => server.close() };
  if (state.auth.required) mock.token = issueToken(state, SERVICE_ACCOUNT_UID);
  return mock;
}
