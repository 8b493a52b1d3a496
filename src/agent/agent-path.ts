import { posix } from 'node:path';
import { CliError } from '../core/errors.js';

/**
 * Every path sent to an agent goes through here: repeated and trailing slashes collapsed (same file for
 * the kernel); only absolute paths without `.`/`..` pass (`..` could climb out of the directory a
 * safety check approved).
 */
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
