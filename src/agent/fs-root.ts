import { posix } from 'node:path';
import { CliError } from '../errors.js';
import type { AgentTarget } from './settings.js';

/**
 * The path to hand to the agent's shell for a real agent path: unchanged on a real agent, under the
 * sandbox on a mock one. Every path sent to an agent goes through here. Only absolute paths without
 * `.`/`..` pass: `..` could climb out of the directory a safety check approved.
 */
export function agentFsPath(agent: AgentTarget, path: string): string {
  const normalized = normalizeAgentPath(path);
  if (agent.fsRoot === undefined || agent.fsRoot === '') return normalized;
  const root = agent.fsRoot.replace(/\/+$/, '');
  return normalized === '/' ? root : `${root}${normalized}`;
}

/** Repeated and trailing slashes collapsed (same file for the kernel); refuses what is not plainly absolute. */
export function normalizeAgentPath(path: string): string {
  const problem = !path.startsWith('/')
    ? 'not absolute'
    : path.includes('\0')
      ? 'contains a NUL byte'
      : path.split('/').some((c) => c === '.' || c === '..')
        ? "contains '.' or '..'"
        : undefined;
  if (problem) throw new CliError('usage', `refusing agent path ${JSON.stringify(path)}: ${problem}`);
  return path.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
}

/** The parent directory of an absolute agent path. */
export function parentAgentPath(path: string): string {
  return posix.dirname(normalizeAgentPath(path));
}
