import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stateFilePath } from '../../src/mock/paths.js';

/**
 * Every path under `root` with what it is: type, mode, size and content hash (files), target (links).
 * A mock agent's `proc/` is left out: like the real /proc it describes processes, not stored data.
 */
export function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'proc' && dir.endsWith('/root')) continue;
      const st = lstatSync(path);
      const rel = relative(root, path);
      if (st.isSymbolicLink()) out.set(rel, `link ${readlinkSync(path)}`);
      else if (st.isDirectory()) {
        out.set(rel, `dir ${st.mode.toString(8)}`);
        walk(path);
      } else {
        out.set(rel, `file ${st.mode.toString(8)} ${st.size} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
      }
    }
  };
  walk(root);
  return out;
}

/** Every entry below `root` with type, mode, owner, size, content and (files) mtime: what "byte-identical" means. */
export function ownedTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (path: string) => {
    const st = lstatSync(path);
    const rel = relative(root, path) || '.';
    const who = `${st.uid}:${st.gid} ${(st.mode & 0o7777).toString(8)}`;
    if (st.isSymbolicLink()) out.set(rel, `link ${who} ${readlinkSync(path)}`);
    else if (st.isDirectory()) {
      out.set(rel, `dir ${who}`);
      for (const name of readdirSync(path)) walk(join(path, name));
    } else out.set(rel, `file ${who} ${st.size} ${Math.floor(st.mtimeMs / 1000)} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
  };
  walk(root);
  return out;
}

/** Paths added, removed or changed between two snapshots. */
export function changedPaths(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed = new Set<string>();
  for (const [k, v] of before) if (after.get(k) !== v) changed.add(k);
  for (const k of after.keys()) if (!before.has(k)) changed.add(k);
  return [...changed].sort();
}

// The mock's state file: tests plant faults in the cluster (odd ids, roles) the way a broken cluster would show them.
interface StateShape {
  tasks: { id: string; role: string; localVolumes: { persistenceId: string; containerPath: string }[] }[];
  reservations: { role: string; volumes: { persistenceId: string }[] }[];
}

export function editMockState(dir: string, edit: (state: StateShape) => void): void {
  const file = stateFilePath(dir);
  const state = JSON.parse(readFileSync(file, 'utf8')) as StateShape;
  edit(state);
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}
