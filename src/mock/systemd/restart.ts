import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { layerSettings } from '../../domain/recovery/layering.js';
import { parseSettingValue, SETTINGS } from '../../domain/recovery/settings.js';
import { parseMesosDuration } from '../../domain/recovery/duration.js';
import { expandVariables, mesosFlagsOf, splitCommandLine } from '../../domain/recovery/unit-file.js';
import { reregistrationWindow } from '../../domain/recovery/window.js';
import { localConfigReader } from '../../agent/config-reader.js';
import { collectAgentConfig } from '../../domain/recovery/collect.js';
import { agentFlags } from '../agent-config.js';
import { launchMissing, restartOnReservation } from '../marathon-ops.js';
import { agentRoot } from '../paths.js';
import { createVolumeDir } from '../sandbox.js';
import { MockStore } from '../store.js';
import type { MockAgent, MockState } from '../types.js';

/**
 * `systemctl restart dcos-mesos-slave[-public]` on a mock agent, the way systemd and the agent do it
 * (../shared/reference/mesos-dcos/README.md §a, §b, §h; Mesos docs/agent-recovery.md): systemd reads the unit,
 * its drop-ins and EnvironmentFiles again (a missing required file fails the job); the new agent process
 * takes its flags from them; executors of checkpointing frameworks wait for it and reconnect, unless it runs
 * with recover=cleanup (it kills them and exits) or they gave up (down longer than their recovery_timeout);
 * an agent whose flags Mesos refuses exits at start. It re-registers after a short recovery (its
 * executor re-registration), unless the `no-reregister` fault says it cannot reach the master.
 */

/** How long the restarted agent takes to recover and re-register (a real one: seconds). */
export const RESTART_MS = 600;

export interface SystemctlResult {
  code: number;
  stdout: string;
  stderr: string;
}

function withStateLock<T>(stateDir: string, work: () => T): T {
  const lock = join(stateDir, '.systemctl.lock');
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > until) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    return work();
  } finally {
    rmdirSync(lock);
  }
}

const unitOf = (name: string) => (/\.[a-z]+$/.test(name) ? name : `${name}.service`);

export async function systemctl(stateDir: string, agentId: string, args: string[], env: NodeJS.ProcessEnv): Promise<SystemctlResult> {
  const [verb, ...rest] = args.filter((a) => a !== '--');
  const names = rest.filter((a) => !a.startsWith('-'));
  const root = agentRoot(stateDir, agentId);
  const store = new MockStore(stateDir);
  const agent = store.current().agents.find((a) => a.id === agentId);
  if (!agent) return { code: 1, stdout: '', stderr: 'System has not been booted with systemd as init system (PID 1). Can\'t operate.\n' };
  const unit = unitOf(names[0] ?? '');
  const known = names.length > 0 && existsSync(join(root, 'etc/systemd/system', unit));
  switch (verb) {
    case 'is-active': {
      const active = known && !(agent.restart && agent.restart.reregisterAt === null && agent.restart.failed);
      return { code: active ? 0 : 3, stdout: `${known ? (active ? 'active' : 'failed') : 'inactive'}\n`, stderr: '' };
    }
    case 'daemon-reload':
      return env.USER === 'root' ? { code: 0, stdout: '', stderr: '' } : { code: 1, stdout: '', stderr: 'Failed to reload daemon: Interactive authentication required.\n' };
    case 'restart':
      break;
    default:
      return { code: 1, stdout: '', stderr: `Unknown command verb ${verb ?? ''}.\n` };
  }
  if (names.length === 0) return { code: 1, stdout: '', stderr: 'Too few arguments.\n' };
  if (env.USER !== 'root') {
    return { code: 4, stdout: '', stderr: `Failed to restart ${unit}: Interactive authentication required.\nSee system logs and 'systemctl status ${unit}' for details.\n` };
  }
  if (!known) return { code: 5, stdout: '', stderr: `Failed to restart ${unit}: Unit ${unit} not found.\n` };

  const collected = await collectAgentConfig(localConfigReader(root), { preferPublic: agent.public, offline: true, systemd: agent.systemdVersion ?? 219 });
  const missing = collected.envFiles.filter((f) => f.text === null && !f.optional);
  const noReregister = env.STATEFUL_OPS_MOCK_AGENT_FAULT === 'no-reregister';
  return withStateLock(stateDir, () =>
    store.mutate((state) => {
      const a = state.agents.find((x) => x.id === agentId) as MockAgent;
      const now = Date.now();
      const before = a.restart && a.restart.reregisterAt === null ? a.restart.before : (a.reregisteredTime ?? a.registeredTime + 200);
      if (missing.length > 0) {
        // systemd fails the job before ExecStart: the old process is stopped, no new one runs.
        a.restart = { at: now, reregisterAt: null, failed: true, before };
        return {
          code: 1,
          stdout: '',
          stderr: `Job for ${unit} failed because of unavailable resources or another system error.\nSee "systemctl status ${unit}" and "journalctl -xe" for details.\n`,
        };
      }
      const oldTimeoutNs = parseMesosDuration(agentFlags(a, 0).recovery_timeout ?? '15mins') ?? 0;
      const layered = layerSettings({ unit: collected.unit, envFiles: collected.envFiles, systemd: collected.systemd });
      a.env = Object.fromEntries([...layered.environment].filter(([k]) => k.startsWith('MESOS_')).map(([k, v]) => [k, v.value]));
      const exec = collected.unit?.execStart;
      const vars = new Map([...layered.environment].map(([k, v]) => [k, v.value]));
      const flags = exec ? mesosFlagsOf(splitCommandLine(exec.value).map((w) => expandVariables(w, vars))) : [];
      if (flags.length > 0) a.commandLineFlags = Object.fromEntries(flags.map((f) => [f.name, f.value]));
      else delete a.commandLineFlags;
      const started = agentFlags(a, 0);
      const refused = SETTINGS.find((s) => started[s.name] !== undefined && !parseSettingValue(s.name, layered.settings[s.name].raw).ok);
      if (refused) {
        // Type=simple: the start job succeeded; the agent process then exits on its flags, again and again.
        a.restart = { at: now, reregisterAt: null, failed: true, before };
        return { code: 0, stdout: '', stderr: '' };
      }
      if (started.recover === 'cleanup') {
        killTasksOn(stateDir, state, a.id, () => true);
        a.restart = { at: now, reregisterAt: null, failed: true, before };
        return { code: 0, stdout: '', stderr: '' };
      }
      const windowMs = (() => {
        const w = reregistrationWindow(state.masterFlags);
        return 'problem' in w ? 75_000 : w.seconds * 1000;
      })();
      const late = RESTART_MS >= windowMs;
      killTasksOn(stateDir, state, a.id, (fw) => !fw.checkpoint || oldTimeoutNs / 1e6 <= RESTART_MS || (late && !fw.partitionAware));
      a.restart = { at: now, reregisterAt: noReregister ? null : now + RESTART_MS, failed: false, before };
      if (!noReregister) a.reregisteredTime = (now + RESTART_MS) / 1000;
      return { code: 0, stdout: '', stderr: '' };
    }),
  );
}

/** Executors that do not reconnect: their tasks end; Marathon relaunches its instances (on their reservation). */
function killTasksOn(stateDir: string, state: MockState, agentId: string, dies: (fw: { checkpoint: boolean; partitionAware: boolean }) => boolean): void {
  if (dies({ checkpoint: state.marathonCheckpoint ?? true, partitionAware: true })) {
    const apps = new Set<string>();
    for (const task of [...state.tasks]) {
      if (task.agentId !== agentId || task.kind !== 'running') continue;
      if (task.reservationLabel) restartOnReservation(state, task);
      else {
        state.tasks = state.tasks.filter((t) => t !== task);
        apps.add(task.appId);
      }
    }
    for (const app of apps) for (const dir of launchMissing(state, app)) createVolumeDir(stateDir, dir.agentId, dir.hostPath);
  }
  for (const fw of state.otherFrameworks ?? []) if (dies(fw)) fw.tasks = fw.tasks.filter((t) => t.agentId !== agentId);
}
