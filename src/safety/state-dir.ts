import { join } from 'node:path';
import type { ClusterClients } from '../cluster/clients.js';
import type { Io } from '../core/io.js';

/**
 * Where the state of destructive operations (journals, locks) lives: where the cluster source says
 * (the mock: its state directory, so a reset mock starts clean), else STATEFUL_OPS_STATE_DIR, else the
 * XDG state directory.
 */
export function stateBase(io: Io, clients: ClusterClients): string {
  if (clients.source) return clients.source.stateDir;
  if (io.env.STATEFUL_OPS_STATE_DIR) return io.env.STATEFUL_OPS_STATE_DIR;
  const base = io.env.XDG_STATE_HOME || join(io.homedir, '.local', 'state');
  return join(base, 'stateful-ops');
}

export function journalDir(io: Io, clients: ClusterClients): string {
  return join(stateBase(io, clients), 'journal');
}

export function lockDir(io: Io, clients: ClusterClients): string {
  return join(stateBase(io, clients), 'locks');
}

/** Identifies the cluster for journal keys: stable across runs (the mock's URL port is not). */
export function clusterIdentity(clients: ClusterClients): string {
  return clients.source?.identity ?? clients.config.dcosUrl ?? clients.config.marathonUrl;
}
