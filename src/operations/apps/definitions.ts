import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { usageError } from '../../core/errors.js';
import { appsOfDocument, type DocumentApp } from '../../domain/app-check/documents.js';
import { printable } from '../../domain/mesos-ids.js';
import { isValidAppId, normalizeAppId } from '../../domain/task-id.js';

/** What `apps check` was given, one argument each: apps from files (or stdin), or a deployed app's id. */
export type Definition = { kind: 'file'; file: string; apps: DocumentApp[] } | { kind: 'deployed'; id: string };

/**
 * A file, every `*.json` under a directory (recursively, in name order), `-` for stdin, or else the id of a
 * deployed app. A document that holds no app definition is a usage error naming the file and why: a linter
 * must not pass what it could not read.
 */
export async function readDefinitions(args: readonly string[], cwd: string, stdin: () => Promise<string>): Promise<Definition[]> {
  const out: Definition[] = [];
  for (const arg of args) {
    if (arg === '-') {
      out.push(parseDocument('-', await stdin()));
      continue;
    }
    const path = resolve(cwd, arg);
    if (existsSync(path) && statSync(path).isDirectory()) {
      const files = jsonFilesUnder(path);
      if (files.length === 0) throw usageError(`${arg}: no *.json file in this directory`);
      for (const f of files) out.push(parseDocument(join(arg, relative(path, f)), readFileSync(f, 'utf8')));
    } else if (existsSync(path)) {
      out.push(parseDocument(arg, readFileSync(path, 'utf8')));
    } else {
      if (arg.endsWith('.json')) throw usageError(`no such file: ${arg}`);
      const id = normalizeAppId(arg);
      if (!isValidAppId(id)) throw usageError(`'${printable(arg)}' is neither a file nor a Marathon app id`);
      out.push({ kind: 'deployed', id });
    }
  }
  return out;
}

function parseDocument(file: string, text: string): Definition {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw usageError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  const found = appsOfDocument(doc);
  if ('problem' in found) throw usageError(`${file}: ${found.problem}`, 'Give app definitions: an app, a group, or the body of GET /v2/apps or /v2/apps/<id>.');
  return { kind: 'file', file, apps: found.apps };
}

function jsonFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsonFilesUnder(path));
    else if (entry.isFile() && entry.name.endsWith('.json')) out.push(path);
  }
  return out;
}
