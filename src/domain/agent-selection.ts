import type { MesosAgent } from '../model/mesos.js';

/** `<framework-ish prefix>-S<n>`: how Mesos names agents; a hostname never looks like this. */
const AGENT_ID = /^[0-9a-zA-Z-]+-S\d+$/;

/** Whether an `--agent` value is written as an agent id (else it is taken for a hostname). */
export function looksLikeAgentId(value: string): boolean {
  return AGENT_ID.test(value);
}

/** The master's agents in its order, restricted to the `--agent` values; values it does not know are kept apart. */
export function selectAgents(listed: readonly MesosAgent[], wanted: readonly string[]): { known: MesosAgent[]; unknown: string[] } {
  if (wanted.length === 0) return { known: [...listed], unknown: [] };
  const matches = (a: MesosAgent, v: string) => a.id === v || a.hostname === v;
  return {
    known: listed.filter((a) => wanted.some((v) => matches(a, v))),
    unknown: [...new Set(wanted.filter((v) => !listed.some((a) => matches(a, v))))],
  };
}
