import { posix } from 'node:path';

/**
 * How a mock agent reads the command line ssh hands it. Callers send exactly what they send to a real
 * agent: `[sudo -n] sh -c SCRIPT sh ARG...` with real absolute paths (`/var/lib/mesos/slave/...`). The
 * mock agent's filesystem is a sandbox directory on this machine, so it maps every positional argument
 * that is an absolute path into the sandbox before running the script; the script text itself may name
 * no absolute path but /dev/null. Anything else that names an absolute path is refused: on this machine
 * `/` is the developer's real root.
 */

/** System paths a script may name; they mean the same in the sandbox as on an agent. */
const ALWAYS_ALLOWED = new Set(['/dev/null']);

const OPERATOR_CHARS = new Set([';', '&', '|', '<', '>', '(', ')']);

/** POSIX-sh word splitting with quote removal; null when quotes are unbalanced. */
export function shellWords(command: string): string[] | null {
  return splitShellWords(command)?.words ?? null;
}

/** Like shellWords, and tells whether an unquoted operator (`;`, `|`, `>`…) or comment was seen. */
export function splitShellWords(command: string): { words: string[]; operators: boolean } | null {
  let operators = false;
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
      operators = true;
      endWord();
    } else if (c === '#' && !inWord) {
      operators = true;
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
  return { words, operators };
}

/** What the agent runs: argv for spawn (no shell in between), as root or as the login user. */
export type AgentCommand =
  | {
      ok: true;
      /** Arrived through `sudo -n`. */
      asRoot: boolean;
      argv: string[];
      /** Each mapped argument with the agent path it stands for, longest first, to map messages back. */
      mapped: [local: string, agentPath: string][];
    }
  | { ok: false; reason: string };

/**
 * Parses our fixed command form and maps its absolute-path arguments to the same paths under the
 * sandbox root (absolute: the agent-side fence matches them against real mount points). Plain commands
 * without any absolute path (`true`, `echo`) run as they are.
 */
export function parseAgentCommand(command: string, sandboxRoot: string): AgentCommand {
  const root = posix.normalize(sandboxRoot).replace(/\/+$/, '');
  const split = splitShellWords(command);
  if (split === null) return { ok: false, reason: 'the command line has unbalanced quotes' };
  const { words } = split;
  const asRoot = words[0] === 'sudo' && words[1] === '-n';
  const rest = asRoot ? words.slice(2) : words;
  if (!split.operators && rest[0] === 'sh' && rest[1] === '-c' && rest.length >= 4) {
    const [, , script = '', name = 'sh', ...args] = rest;
    const inScript = absolutePaths(script);
    if (inScript === null) return { ok: false, reason: 'the script has unbalanced quotes' };
    if (inScript.length > 0) return { ok: false, reason: `the script text names ${JSON.stringify(inScript[0])}; paths must come as arguments` };
    const mapped: [string, string][] = [];
    const local: string[] = [];
    for (const arg of args) {
      if (!arg.startsWith('/')) {
        local.push(arg);
        continue;
      }
      if (arg.split('/').some((c) => c === '..')) return { ok: false, reason: `${JSON.stringify(arg)} climbs out with '..'` };
      const agentPath = posix.normalize(arg).replace(/(.)\/+$/, '$1');
      const inSandbox = agentPath === '/' ? root : `${root}${agentPath}`;
      local.push(inSandbox);
      mapped.push(agentPath === '/' ? [`${root}/`, '/'] : [inSandbox, agentPath]);
    }
    mapped.push([`${root}/`, '/']); // anything else of the sandbox a message names
    mapped.sort((a, b) => b[0].length - a[0].length);
    return { ok: true, asRoot, argv: ['sh', '-c', script, name, ...local], mapped };
  }
  if (asRoot) return { ok: false, reason: 'sudo -n is served only as `sudo -n sh -c SCRIPT sh ARG...`' };
  const named = absolutePaths(command);
  if (named === null) return { ok: false, reason: 'the command line has unbalanced quotes' };
  if (named.length > 0) return { ok: false, reason: `${JSON.stringify(named[0])} is not a path this mock agent maps (only arguments of sh -c SCRIPT sh ARG... are)` };
  return { ok: true, asRoot: false, argv: ['sh', '-c', command], mapped: [] };
}

/** Absolute paths a command line names (also after `=`, and inside nested `sh -c` scripts); null when unparseable. */
function absolutePaths(command: string, depth = 0): string[] | null {
  const words = shellWords(command);
  if (words === null) return null;
  const found: string[] = [];
  for (const [index, word] of words.entries()) {
    for (const candidate of [word, ...word.split('=').slice(1)]) {
      if (candidate.startsWith('/') && !ALWAYS_ALLOWED.has(candidate)) found.push(candidate);
    }
    if (depth < 3 && words[index - 1] === '-c') found.push(...(absolutePaths(word, depth + 1) ?? [word]));
  }
  return found;
}

/** Messages name the agent path, as a real agent's would, not the local one. */
export function mapMessageBack(text: string, mapped: readonly [string, string][]): string {
  let out = text;
  for (const [local, agentPath] of mapped) out = out.split(local).join(agentPath);
  return out;
}
