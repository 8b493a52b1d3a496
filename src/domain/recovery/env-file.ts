import { NEWEST_SYSTEMD, systemdRules, type SystemdRules } from './systemd-version.js';

/**
 * systemd's EnvironmentFile= syntax, following its parser state by state (src/basic/env-file.c,
 * load_env_file; fileio.c in 219/239): `KEY=VALUE` lines; a `#` or `;` starts a comment only as the first
 * non-blank character of a line (`X=false # note` sets `false # note`); unquoted values lose surrounding blanks;
 * a `\` before the newline continues the line; quotes are only special where a value starts. Variable
 * references are not expanded. By version (systemd-version.ts): from 241 '…' is literal and "…" honours
 * \" \\ \` \$ and keeps other backslashes, before that a backslash in either quote takes the next character
 * and is dropped (`"a\nb"` → `anb`); 219 drops a value holding any control character but tab, 239 any but tab
 * and newline; before 254 a line after a comment ending in `\` belongs to that comment.
 */

export interface EnvAssignment {
  key: string;
  value: string;
  /** The line the key starts on (1-based). */
  line: number;
}

export interface IgnoredEnvLine {
  line: number;
  /** The key as written (for `export X=1`: `export X`). */
  key: string;
  reason: string;
}

export interface ParsedEnvFile {
  assignments: EnvAssignment[];
  /** Lines systemd drops with a log message: not an assignment, or an invalid variable name. */
  ignored: IgnoredEnvLine[];
  /** Lines read on their own after a comment ending in `\` (254+; older systemd swallowed them). */
  afterCommentContinuation: number[];
  /** Lines swallowed by a comment ending in `\` (before 254), with their text. */
  swallowed: { line: number; text: string }[];
}

const WHITESPACE = ' \t\n\r';
const SHELL_NEED_ESCAPE = '"\\`$';

type State =
  | 'preKey'
  | 'key'
  | 'preValue'
  | 'value'
  | 'valueEscape'
  | 'single'
  | 'singleEscape'
  | 'double'
  | 'doubleEscape'
  | 'comment'
  | 'commentEscape';

export function isValidEnvName(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key);
}

const CONTROL = /[\u0000-\u001f\u007f]/g;

/** Why this systemd drops the whole assignment for its value, or undefined (env_value_is_valid). */
function controlCharProblem(value: string, rules: SystemdRules): string | undefined {
  if (rules.valueControlChars === 'all') return undefined;
  const allowed = rules.valueControlChars === 'tab' ? '\t' : '\t\n';
  const bad = (value.match(CONTROL) ?? []).find((c) => !allowed.includes(c));
  if (bad === undefined) return undefined;
  const name = bad === '\n' ? 'a newline' : `control character 0x${bad.charCodeAt(0).toString(16).padStart(2, '0')}`;
  return `the value holds ${name}: systemd ${rules.version} drops the assignment`;
}

export function parseEnvironmentFile(text: string, rules: SystemdRules = systemdRules(NEWEST_SYSTEMD)): ParsedEnvFile {
  const result: ParsedEnvFile = { assignments: [], ignored: [], afterCommentContinuation: [], swallowed: [] };
  let swallowing: { line: number; text: string } | null = null;
  let state: State = 'preKey';
  let key = '';
  let value = '';
  let keyLine = 1;
  let line = 1;
  /** Index in `value` from which only trailing blanks follow (unquoted values are chomped). */
  let valueBlankFrom = -1;
  let keyBlankFrom = -1;

  const push = () => {
    const name = keyBlankFrom >= 0 ? key.slice(0, keyBlankFrom) : key;
    const problem = isValidEnvName(name) ? controlCharProblem(value, rules) : `'${name}' is not a valid variable name`;
    if (problem === undefined) result.assignments.push({ key: name, value, line: keyLine });
    else result.ignored.push({ line: keyLine, key: name, reason: problem });
    key = '';
    value = '';
  };
  const endValue = () => {
    if (valueBlankFrom >= 0) value = value.slice(0, valueBlankFrom);
    push();
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    // systemd ends a line at \r or \n; lines are counted so that \r\n is one line break.
    const ends = c === '\n' || c === '\r';
    switch (state) {
      case 'preKey':
        if (c === '#' || c === ';') state = 'comment';
        else if (!WHITESPACE.includes(c)) {
          state = 'key';
          key = c;
          keyLine = line;
          keyBlankFrom = -1;
        }
        break;
      case 'key':
        if (ends) {
          result.ignored.push({ line: keyLine, key: key.trim(), reason: "no '=': not an assignment" });
          state = 'preKey';
          key = '';
        } else if (c === '=') {
          state = 'preValue';
          value = '';
          valueBlankFrom = -1;
        } else {
          if (!WHITESPACE.includes(c)) keyBlankFrom = -1;
          else if (keyBlankFrom < 0) keyBlankFrom = key.length;
          key += c;
        }
        break;
      case 'preValue':
        if (ends) {
          state = 'preKey';
          push();
        } else if (c === "'") state = 'single';
        else if (c === '"') state = 'double';
        else if (c === '\\') state = 'valueEscape';
        else if (!WHITESPACE.includes(c)) {
          state = 'value';
          value += c;
        }
        break;
      case 'value':
        if (ends) {
          state = 'preKey';
          endValue();
        } else if (c === '\\') {
          state = 'valueEscape';
          valueBlankFrom = -1;
        } else {
          if (!WHITESPACE.includes(c)) valueBlankFrom = -1;
          else if (valueBlankFrom < 0) valueBlankFrom = value.length;
          value += c;
        }
        break;
      case 'valueEscape':
        state = 'value';
        // A backslash before the line end joins the lines: the line end itself is dropped.
        if (!ends) value += c;
        break;
      case 'single':
        if (c === "'") state = 'preValue';
        else if (c === '\\' && rules.quotesDropBackslash) state = 'singleEscape';
        else value += c;
        break;
      case 'singleEscape':
        state = 'single';
        if (!ends) value += c;
        break;
      case 'double':
        if (c === '"') state = 'preValue';
        else if (c === '\\') state = 'doubleEscape';
        else value += c;
        break;
      case 'doubleEscape':
        state = 'double';
        if (rules.quotesDropBackslash) {
          if (!ends) value += c;
        } else if (SHELL_NEED_ESCAPE.includes(c)) value += c;
        else if (c !== '\n') value += `\\${c}`;
        break;
      case 'comment':
        if (c === '\\') state = 'commentEscape';
        else if (ends) {
          state = 'preKey';
          if (swallowing) result.swallowed.push(swallowing);
          swallowing = null;
        }
        if (swallowing && !ends) swallowing.text += c;
        break;
      case 'commentEscape':
        if (swallowing && !ends) swallowing.text += c;
        if (!ends) state = 'comment';
        else if (rules.commentContinuationSwallows) {
          // The line end is eaten by the escape: the next line is still comment.
          state = 'comment';
          if (swallowing) result.swallowed.push({ ...swallowing, text: swallowing.text.replace(/\\$/, '') });
          swallowing = { line: line + 1, text: '' };
        } else {
          state = 'preKey';
          if (swallowing) result.swallowed.push({ ...swallowing, text: swallowing.text.replace(/\\$/, '') });
          swallowing = null;
          result.afterCommentContinuation.push(line + 1);
        }
        break;
    }
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
  }

  if (swallowing && (swallowing as { text: string }).text !== '') result.swallowed.push(swallowing);
  if (state === 'value') endValue();
  else if (['preValue', 'valueEscape', 'single', 'singleEscape', 'double', 'doubleEscape'].includes(state)) push();
  else if (state === 'key' && key.trim() !== '') {
    result.ignored.push({ line: keyLine, key: key.trim(), reason: "no '=': not an assignment" });
  }
  return result;
}
