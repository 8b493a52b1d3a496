/**
 * Who the mock agents run commands as, and who owns what on their disks, like a DC/OS agent: the SSH
 * user (centos) is unprivileged; volume data belongs to the task's user
 * (uid 999 here, a database image's typical user) with mode 0700; configuration files belong to root,
 * 0644; only `sudo -n …` runs as root. This needs root on the machine running the mock (CI runs as
 * root). An ordinary user cannot switch uids or give files away, so there the model is off: every
 * command runs as that user, who owns the whole sandbox, and the mock says so.
 */

/** No name in this machine's passwd (1000 usually has one): the agent's login name comes from USER=centos. */
export const MOCK_LOGIN_UID = 31000;
export const MOCK_LOGIN_GID = 31000;
export const MOCK_TASK_UID = 999;
export const MOCK_TASK_GID = 999;

export interface PermissionModel {
  enforced: boolean;
  /** spawn() options for a command: the login user, or root for `sudo -n`; empty when not enforced. */
  spawnIdentity(asRoot: boolean): { uid?: number; gid?: number };
  /** Owner for volume data written into a sandbox; undefined = leave as created. */
  volumeOwner: { uid: number; gid: number } | undefined;
  description: string;
}

/** STATEFUL_OPS_MOCK_PERMISSIONS=off turns the model off even as root (e.g. to poke at a sandbox by hand). */
export function permissionModel(env: NodeJS.ProcessEnv = process.env, offBecause?: string): PermissionModel {
  const root = process.getuid?.() === 0;
  const enforced = root && env.STATEFUL_OPS_MOCK_PERMISSIONS !== 'off';
  if (!enforced) {
    return {
      enforced,
      spawnIdentity: () => ({}),
      volumeOwner: undefined,
      description: offBecause
        ? `permission model off: ${offBecause}; commands run as root`
        : root
          ? 'permission model off (STATEFUL_OPS_MOCK_PERMISSIONS=off): commands run as root'
          : 'permission model off (not running as root): every command, with or without sudo, runs as you and may touch the whole sandbox',
    };
  }
  return {
    enforced,
    spawnIdentity: (asRoot) => (asRoot ? { uid: 0, gid: 0 } : { uid: MOCK_LOGIN_UID, gid: MOCK_LOGIN_GID }),
    volumeOwner: { uid: MOCK_TASK_UID, gid: MOCK_TASK_GID },
    description: `permission model on: commands run as centos (uid ${MOCK_LOGIN_UID}), sudo -n as root; volume data is uid ${MOCK_TASK_UID}, mode 0700`,
  };
}
