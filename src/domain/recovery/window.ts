import { parseMesosDuration, NS_PER_SECOND } from './duration.js';

/**
 * How long the master waits for a silent agent: agent_ping_timeout × max_agent_ping_timeouts
 * (../shared/reference/mesos-dcos/README.md §b). DC/OS sets the old spelling max_slave_ping_timeouts=20,
 * and /flags reports a flag under the name it was set with, so both spellings are read.
 */

export interface MasterValue {
  key: string;
  value: string;
  /** From the master's /flags, or Mesos's default because /flags does not list it. */
  from: 'master /flags' | 'Mesos default';
}

export interface ReregistrationWindow {
  seconds: number;
  pingTimeout: MasterValue;
  maxPings: MasterValue;
}

const PING_TIMEOUT_KEYS = ['agent_ping_timeout', 'slave_ping_timeout'];
const MAX_PINGS_KEYS = ['max_agent_ping_timeouts', 'max_slave_ping_timeouts'];

function pick(flags: Readonly<Record<string, string>>, keys: string[], fallback: string): MasterValue {
  for (const key of keys) {
    const value = flags[key];
    if (value !== undefined) return { key, value, from: 'master /flags' };
  }
  return { key: keys[0] as string, value: fallback, from: 'Mesos default' };
}

/** The window, or why it cannot be computed from these flags. */
export function reregistrationWindow(masterFlags: Readonly<Record<string, string>>): ReregistrationWindow | { problem: string } {
  const pingTimeout = pick(masterFlags, PING_TIMEOUT_KEYS, '15secs');
  const maxPings = pick(masterFlags, MAX_PINGS_KEYS, '5');
  const ns = parseMesosDuration(pingTimeout.value);
  if (ns === undefined) return { problem: `master ${pingTimeout.key}=${pingTimeout.value} is not a Mesos duration` };
  const count = Number(maxPings.value);
  if (!/^\d+$/.test(maxPings.value) || count < 1) return { problem: `master ${maxPings.key}=${maxPings.value} is not a positive whole number` };
  return { seconds: (ns / NS_PER_SECOND) * count, pingTimeout, maxPings };
}

export function describeWindow(w: ReregistrationWindow): string {
  const part = (v: MasterValue) => `${v.key} ${v.value}${v.from === 'Mesos default' ? ' (Mesos default)' : ''}`;
  return `${Number(w.seconds.toPrecision(6))}s (${part(w.pingTimeout)} × ${part(w.maxPings)})`;
}
