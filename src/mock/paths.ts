import { join, resolve } from 'node:path';

/**
 * Where the mock keeps its state when no `--mock-dir` is given:
 * `$STATEFUL_OPS_MOCK_DIR`, else `$XDG_STATE_HOME/stateful-ops/mock`, else `~/.local/state/stateful-ops/mock`.
 */
export function defaultMockDir(env: NodeJS.ProcessEnv, homedir: string): string {
  if (env.STATEFUL_OPS_MOCK_DIR) return resolve(env.STATEFUL_OPS_MOCK_DIR);
  if (env.XDG_STATE_HOME) return join(resolve(env.XDG_STATE_HOME), 'stateful-ops', 'mock');
  return join(homedir, '.local', 'state', 'stateful-ops', 'mock');
}

export function stateFilePath(stateDir: string): string {
  return join(stateDir, 'state.json');
}

/** The directory standing in for an agent's filesystem root (`/` on the real machine). */
export function agentRoot(stateDir: string, agentId: string): string {
  return join(stateDir, 'agents', agentId, 'root');
}

/**
 * Commands the mock agent has where the developer's machine would answer differently (`systemctl`): put first
 * on the PATH of every command the mock SSH server runs for that agent. Outside the agent's `/`.
 */
export function agentBinDir(stateDir: string, agentId: string): string {
  return join(stateDir, 'agents', agentId, 'bin');
}

/** The service account's private key written by `mock reset --require-auth` (mode 0600). */
export function serviceAccountKeyPath(stateDir: string): string {
  return join(stateDir, 'service-account.pem');
}

export const SERVICE_ACCOUNT_UID = 'stateful-ops-ci';

/** `--mock-dir` (relative to the working directory) or the default. */
export function resolveMockDir(mockDir: string | undefined, env: NodeJS.ProcessEnv, homedir: string, cwd: string): string {
  return mockDir === undefined ? defaultMockDir(env, homedir) : resolve(cwd, mockDir);
}
