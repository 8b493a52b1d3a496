import type { ChalkInstance } from 'chalk';

/**
 * Colour on one stream: `--no-color` always wins, then NO_COLOR (https://no-color.org: any non-empty
 * value), then FORCE_COLOR (as chalk reads it: `0`/`false` off, anything else on, even when piped),
 * else only on a terminal that is not TERM=dumb.
 */
export function wantsColour(isTTY: boolean, env: NodeJS.ProcessEnv, flag: boolean): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  return isTTY && env.TERM !== 'dumb';
}

/** Verdict and severity words, coloured by how bad they are; anything else as is. */
export function paintWord(paint: ChalkInstance, word: string): string {
  switch (word) {
    case 'ok':
    case 'pass':
    case 'safe':
    case 'wiped':
    case 'removed':
    case 'released':
    case 'expunged':
    case 'survives':
    case 'nothing-running':
      return paint.green(word);
    case 'warning':
    case 'warn':
    case 'info':
    case 'missing':
    case 'in-use':
    case 'risky':
    case 'skipped':
    case 'partial':
    case 'at-risk':
    case 'unknown':
      return word === 'info' ? paint.cyan(word) : paint.yellow(word);
    case 'error':
    case 'fail':
    case 'failed':
    case 'unsafe':
    case 'refused':
    case 'unreachable':
    case 'agent-lost':
    case 'relaunched':
    case 'killed':
      return paint.red(word);
    default:
      return word;
  }
}
