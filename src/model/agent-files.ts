/** What a listing of an agent's directory reports about one entry (read over SSH, or from a sandbox). */
export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface DirEntry {
  name: string;
  type: EntryType;
  isSymlink: boolean;
  device: number;
  size: number;
  /** A directory on another filesystem than the listed one. */
  isMountPoint: boolean;
}
