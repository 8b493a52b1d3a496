import { join } from 'node:path';
import type { ClusterClients, Io } from '../context.js';

/**
 * Where journals of destructive operations live: inside the mock's state directory when running on the
 * mock (so a reset mock starts clean), else STATEFUL_OPS_STATE_DIR, else the XDG state directory.
 */
export function journalDir(io: Io, clients: ClusterClients): string {
  if (clients.mock) return join(clients.mock.stateDir, 'journal');
  if (io.env.STATEFUL_OPS_STATE_DIR) return join(io.env.STATEFUL_OPS_STATE_DIR, 'journal');
  const base = io.env.XDG_STATE_HOME || join(io.homedir, '.local', 'state');
  return join(base, 'stateful-ops', 'journal');
}

/** Identifies the cluster for journal keys: stable across runs (the mock's URL port is not). */
export function clusterIdentity(clients: ClusterClients): string {
  return clients.mock ? `mock:${clients.mock.stateDir}` : (clients.config.dcosUrl ?? clients.config.marathonUrl);
}
