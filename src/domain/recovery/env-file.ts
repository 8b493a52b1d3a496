/**
 * systemd's EnvironmentFile= syntax, following its parser state by state (src/basic/env-file.c,
 * load_env_file): `KEY=VALUE` lines; a `#` or `;` starts a comment only as the first non-blank character
 * of a line (`X=false # note` sets `false # note`); unquoted values lose surrounding blanks; a `\` before
 * the newline continues the line; '…' is literal; "…" honours \" \\ \` \$ and keeps other backslashes;
 * quotes are only special where a value starts. Variable references are not expanded.
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
  /** Lines that follow a comment ending in `\`: systemd before v254 treats them as part of that comment. */
  afterCommentContinuation: number[];
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
  | 'double'
  | 'doubleEscape'
  | 'comment'
  | 'commentEscape';

export function isValidEnvName(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key);
}

export function parseEnvironmentFile(text: string): ParsedEnvFile {
  const result: ParsedEnvFile = { assignments: [], ignored: [], afterCommentContinuation: [] };
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
    if (isValidEnvName(name)) result.assignments.push({ key: name, value, line: keyLine });
    else result.ignored.push({ line: keyLine, key: name, reason: `'${name}' is not a valid variable name` });
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
        else value += c;
        break;
      case 'double':
        if (c === '"') state = 'preValue';
        else if (c === '\\') state = 'doubleEscape';
        else value += c;
        break;
      case 'doubleEscape':
        state = 'double';
        if (SHELL_NEED_ESCAPE.includes(c)) value += c;
        else if (c !== '\n') value += `\\${c}`;
        break;
      case 'comment':
        if (c === '\\') state = 'commentEscape';
        else if (ends) state = 'preKey';
        break;
      case 'commentEscape':
        if (ends) {
          state = 'preKey';
          result.afterCommentContinuation.push(line + 1);
        } else state = 'comment';
        break;
    }
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
  }

  if (state === 'value') endValue();
  else if (state === 'preValue' || state === 'valueEscape' || state === 'single' || state === 'double' || state === 'doubleEscape') push();
  else if (state === 'key' && key.trim() !== '') {
    result.ignored.push({ line: keyLine, key: key.trim(), reason: "no '=': not an assignment" });
  }
  return result;
}
