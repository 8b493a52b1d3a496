import { constants } from 'node:fs';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { homedir as osHomedir } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';

/**
 * The few filesystem reads configuration needs, kept here so the resolution logic stays
 * readable and unit tests simply point it at temp directories with real files.
 */

/** File content, or undefined when the file does not exist. Other errors (EACCES, EISDIR) propagate. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Names of the sub-directories of `dir`; empty when `dir` does not exist. */
export async function listSubdirectories(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw e;
  }
}

export async function isRegularFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Why `path` cannot be read as a file, or undefined when it can. */
export async function unreadableReason(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return 'is not a regular file';
    await access(path, constants.R_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'does not exist';
    if (code === 'EACCES') return 'is not readable (permission denied)';
    return `cannot be read (${code ?? (e as Error).message})`;
  }
}

/** Permission bits (e.g. 0o600), or undefined when the file does not exist. */
export async function permissionBits(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export function absolutePath(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** `/home/op/.dcos/x` → `~/.dcos/x` for messages; other paths unchanged. */
export function displayPath(path: string, homedir: string = osHomedir()): string {
  const rel = relative(homedir, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? `~/${rel}` : path;
}
