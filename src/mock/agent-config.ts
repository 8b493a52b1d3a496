import { normalizeMesosDuration } from '../domain/recovery/duration.js';
import type { MockAgent } from './types.js';

/**
 * A DC/OS 2.2 agent's configuration, as files on its disk and as the `/flags` they produce
 * (../shared/reference/mesos-dcos/README.md §a, §h). One model feeds both so they never disagree.
 */

export const WORK_DIR = '/var/lib/mesos/slave';
/** Where pkgpanda unpacked the agent's Mesos package; the unit's ExecStart= names it. */
export const PKG_PATH = '/opt/mesosphere/packages/mesos--0f8a2c6fb1b7a1f14d8e4d8f2f0d3c1e8b5e4a77';

/** DC/OS 1.10 and 1.11 (before 1.12): 8 EnvironmentFiles in the unit; 1.10 also lacks both recovery keys. */
function dcosMinor(dcosVersion: string): number {
  const [major = 0, minor = 0] = dcosVersion.split('.').map(Number);
  return major > 1 ? 100 : minor;
}

/**
 * The generated `/opt/mesosphere/etc/mesos-slave-common` (DC/OS defaults: 24hrs recovery, additive policy;
 * DC/OS 1.10 set neither, so Mesos's 15mins / equal applied there).
 */
export function generatedSlaveCommon(dcosVersion = DEFAULT_DCOS_VERSION): Record<string, string> {
  const common = {
    GLOG_drop_log_memory: 'false',
    MESOS_CGROUPS_ENABLE_CFS: 'true',
    MESOS_CGROUPS_LIMIT_SWAP: 'false',
    MESOS_CONTAINERIZERS: 'mesos,docker',
    MESOS_CONTAINER_LOGGER: 'com_mesosphere_mesos_JournaldLogger',
    MESOS_DOCKER_REMOVE_DELAY: '1hrs',
    MESOS_DOCKER_STOP_TIMEOUT: '20secs',
    MESOS_DOCKER_STORE_DIR: '/var/lib/mesos/slave/store/docker',
    MESOS_EXECUTOR_REGISTRATION_TIMEOUT: '10mins',
    MESOS_EXECUTOR_REREGISTRATION_TIMEOUT: '10secs',
    MESOS_GC_DELAY: '2days',
    MESOS_HOSTNAME_LOOKUP: 'false',
    MESOS_IMAGE_PROVIDERS: 'docker',
    MESOS_ISOLATION: 'cgroups/cpu,cgroups/mem,cgroups/blkio,disk/du,filesystem/linux,docker/runtime,volume/sandbox_path',
    MESOS_LAUNCHER_DIR: '/opt/mesosphere/active/mesos/libexec/mesos',
    MESOS_MASTER: 'zk://zk-1.zk:2181,zk-2.zk:2181,zk-3.zk:2181,zk-4.zk:2181,zk-5.zk:2181/mesos',
    MESOS_MODULES_DIR: '/opt/mesosphere/etc/mesos-slave-modules',
    MESOS_RECONFIGURATION_POLICY: 'additive',
    MESOS_RECOVERY_TIMEOUT: '24hrs',
    MESOS_SLAVE_SUBSYSTEMS: 'cpu,memory',
    MESOS_WORK_DIR: WORK_DIR,
  };
  if (dcosMinor(dcosVersion) > 10) return common;
  const { MESOS_RECONFIGURATION_POLICY: _policy, MESOS_RECOVERY_TIMEOUT: _timeout, ...v110 } = common;
  return v110;
}

export const DEFAULT_DCOS_VERSION = '2.2.5';

/** `/opt/mesosphere/etc/mesos-slave` or `…/mesos-slave-public`. */
export function generatedRoleFile(isPublic: boolean): Record<string, string> {
  return isPublic
    ? { MESOS_DEFAULT_ROLE: 'slave_public', MESOS_ATTRIBUTES: 'public_ip:true' }
    : { MESOS_DEFAULT_ROLE: '*' };
}

/** `/var/lib/dcos/mesos-resources`, written by make_disk_resources.py when the agent has MOUNT disks. */
export function mountResources(roots: string[]): Record<string, string> | undefined {
  if (roots.length === 0) return undefined;
  const resources = roots.map((root) => ({
    name: 'disk',
    type: 'SCALAR',
    role: '*',
    scalar: { value: 16384 },
    disk: { source: { type: 'MOUNT', mount: { root } } },
  }));
  return { MESOS_RESOURCES: JSON.stringify(resources) };
}

/** The effective environment: later EnvironmentFiles win (unit order: common, role file, operator file, resources). */
export function effectiveEnv(isPublic: boolean, overrides?: Record<string, string>, mountRoots: string[] = [], dcosVersion = DEFAULT_DCOS_VERSION): Record<string, string> {
  const resources = mountResources(mountRoots);
  return { ...generatedSlaveCommon(dcosVersion), ...generatedRoleFile(isPublic), ...(overrides ?? {}), ...(resources ?? {}) };
}

const DURATION_FLAGS = new Set([
  'docker_remove_delay',
  'docker_stop_timeout',
  'executor_registration_timeout',
  'executor_reregistration_timeout',
  'gc_delay',
  'recovery_timeout',
]);

/** Mesos defaults for flags DC/OS does not set (strict/recover in particular). */
const AGENT_DEFAULTS: Record<string, string> = {
  strict: 'true',
  recover: 'reconnect',
  recovery_timeout: '15mins',
  reconfiguration_policy: 'equal',
  executor_reregistration_timeout: '2secs',
  systemd_enable_support: 'true',
  systemd_runtime_directory: '/run/systemd/system',
  default_role: '*',
};

/**
 * What the agent's `/flags` says: env names lower-cased after `MESOS_`, durations re-printed, all strings.
 * `port` is where the mock answers for the agent (its pid says the same).
 */
export function agentFlags(agent: Pick<MockAgent, 'env' | 'commandLineFlags'>, port: number): Record<string, string> {
  const flags: Record<string, string> = { ...AGENT_DEFAULTS, port: String(port) };
  const set = (name: string, value: string) => (flags[name] = DURATION_FLAGS.has(name) ? normalizeMesosDuration(value) : value);
  for (const [key, value] of Object.entries(agent.env)) {
    if (key.startsWith('MESOS_')) set(key.slice('MESOS_'.length).toLowerCase(), value);
  }
  // A flag on the command line beats the environment.
  for (const [name, value] of Object.entries(agent.commandLineFlags ?? {})) set(name, value);
  return flags;
}

/** systemd EnvironmentFile syntax; values with quotes or blanks are single-quoted (taken literally). */
export function envFileText(values: Record<string, string>, header?: string): string {
  const lines = Object.entries(values).map(([k, v]) => `${k}=${/[\s"'\\$`]/.test(v) ? `'${v}'` : v}`);
  return `${header ? `${header}\n` : ''}${lines.join('\n')}\n`;
}

export function unitName(isPublic: boolean): string {
  return isPublic ? 'dcos-mesos-slave-public.service' : 'dcos-mesos-slave.service';
}

/** The agent's systemd unit, modelled on DC/OS's packages/mesos/extra units with $PKG_PATH expanded. */
export function unitFileText(isPublic: boolean, dcosVersion = DEFAULT_DCOS_VERSION): string {
  const suffix = isPublic ? '-public' : '';
  const agentEnv = dcosMinor(dcosVersion) >= 12 ? [`EnvironmentFile=-/etc/mesosphere/mesos/agent${suffix}.env`] : [];
  return [
    '[Unit]',
    isPublic
      ? 'Description=Mesos Agent Public: distributed systems kernel public agent'
      : 'Description=Mesos Agent: distributed systems kernel agent',
    '',
    '[Service]',
    'Restart=always',
    'StartLimitInterval=0',
    'RestartSec=5',
    'KillMode=control-group',
    'Delegate=true',
    'LimitNOFILE=infinity',
    'TasksMax=infinity',
    'SyslogIdentifier=mesos-agent',
    'EnvironmentFile=/opt/mesosphere/environment',
    'EnvironmentFile=/opt/mesosphere/etc/mesos-slave-common',
    `EnvironmentFile=/opt/mesosphere/etc/mesos-slave${suffix}`,
    'EnvironmentFile=/opt/mesosphere/etc/proxy.env',
    'EnvironmentFile=-/opt/mesosphere/etc/mesos-slave-common-extras',
    'EnvironmentFile=-/var/lib/dcos/mesos-slave-common',
    'EnvironmentFile=-/var/lib/dcos/mesos-resources',
    `EnvironmentFile=-/run/dcos/etc/mesos-slave${suffix}`,
    ...agentEnv,
    `ExecStartPre=/opt/mesosphere/bin/bootstrap dcos-mesos-slave${suffix}`,
    'ExecStartPre=/opt/mesosphere/bin/make_disk_resources.py /var/lib/dcos/mesos-resources',
    `ExecStart=${PKG_PATH}/bin/start_mesos.sh ${PKG_PATH}/bin/mesos-agent`,
    `Sockets=dcos-mesos-slave${suffix}.socket`,
    '',
  ].join('\n');
}
