import { posix } from 'node:path';

/**
 * The mock agent's safety net. Commands run in a real shell on the developer's machine, where `/`
 * is the real root: a caller that forgot the agent's fsRoot prefix would read or delete real files.
 * So before running anything the server splits the command line into shell words and refuses any
 * absolute path outside the agent's sandbox. It is a guard against our own bugs, not a jail.
 */

/** System paths a command may name without being inside the sandbox. */
const ALWAYS_ALLOWED = new Set(['/dev/null', '/bin/sh', '/usr/bin/env']);

const OPERATOR_CHARS = new Set([';', '&', '|', '<', '>', '(', ')']);

/** POSIX-sh word splitting with quote removal; null when quotes are unbalanced. */
export function shellWords(command: string): string[] | null {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (c === ' ' || c === '\t' || c === '\n') {
      endWord();
    } else if (OPERATOR_CHARS.has(c)) {
      endWord();
    } else if (c === '#' && !inWord) {
      const eol = command.indexOf('\n', i);
      i = eol === -1 ? command.length : eol;
    } else if (c === '\\') {
      const next = command[i + 1];
      i++;
      if (next === undefined || next === '\n') continue;
      word += next;
      inWord = true;
    } else if (c === "'") {
      const close = command.indexOf("'", i + 1);
      if (close === -1) return null;
      word += command.slice(i + 1, close);
      inWord = true;
      i = close;
    } else if (c === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        const d = command[j] as string;
        if (d === '\\' && '$`"\\\n'.includes(command[j + 1] ?? '')) {
          j++;
          if (command[j] !== '\n') word += command[j];
        } else word += d;
      }
      if (j >= command.length) return null;
      i = j;
    } else {
      word += c;
      inWord = true;
    }
  }
  endWord();
  return words;
}

/** null when every absolute path in `command` lies inside `root`; otherwise why it is refused. */
export function checkCommandPaths(command: string, root: string, depth = 0): string | null {
  const words = shellWords(command);
  if (words === null) return 'the command line has unbalanced quotes';
  const sandbox = posix.normalize(root).replace(/\/+$/, '');
  for (const [index, word] of words.entries()) {
    // `--opt=/x`, `if=/x`: the value after `=` is a path as well.
    const candidates = [word, ...word.split('=').slice(1)];
    for (const candidate of candidates) {
      if (!candidate.startsWith('/') || ALWAYS_ALLOWED.has(candidate)) continue;
      const normalized = posix.normalize(candidate);
      if (normalized !== sandbox && !normalized.startsWith(`${sandbox}/`)) {
        return `${JSON.stringify(candidate)} is outside the agent's sandbox ${sandbox}`;
      }
    }
    // `sh -c '<script>'`: the script is a command line of its own.
    if (depth < 3 && words[index - 1] === '-c') {
      const nested = checkCommandPaths(word, root, depth + 1);
      if (nested !== null) return nested;
    }
  }
  return null;
}
