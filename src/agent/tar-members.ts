/**
 * Reads the members of a tar archive as GNU tar writes it with `-H gnu` (what every supported agent
 * OS ships: CentOS/RHEL 7 tar 1.26, RHEL 8 1.30, CoreOS): 512-byte headers with a checked sum, GNU long
 * names (`L`/`K`), POSIX `ustar` prefixes when the writer chose that format. Anything it cannot account
 * for byte by byte is an error, never a shorter list: the caller must not read a truncated archive as
 * "fewer files".
 */

export interface TarMember {
  name: string;
  /** The header's typeflag: '0' a regular file, '5' a directory, '2' a symlink, … */
  type: string;
  data: Buffer;
}

const BLOCK = 512;

export function readTarMembers(archive: Buffer): TarMember[] {
  const members: TarMember[] = [];
  let longName: string | undefined;
  let offset = 0;
  for (;;) {
    if (offset + BLOCK > archive.length) throw new Error(`the archive ends inside a header at byte ${offset}`);
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return members;
    verifyChecksum(header, offset);
    const size = numberField(header.subarray(124, 136), offset);
    const type = header[156] === 0 ? '0' : String.fromCharCode(header[156] as number);
    const start = offset + BLOCK;
    if (start + size > archive.length) throw new Error(`the archive ends inside the data of the member at byte ${offset}`);
    const data = archive.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = cString(data);
      continue;
    }
    // Long link names, pax and multi-volume headers describe the next member; nothing here reads them.
    if (type === 'K' || type === 'x' || type === 'g' || type === 'V') continue;
    members.push({ name: longName ?? headerName(header), type, data });
    longName = undefined;
  }
}

function headerName(header: Buffer): string {
  const name = cString(header.subarray(0, 100));
  // Only POSIX ustar ("ustar\0") keeps a prefix at 345; GNU's "ustar  \0" uses those bytes for times.
  const posixUstar = header.subarray(257, 263).toString('latin1') === 'ustar\0';
  const prefix = posixUstar ? cString(header.subarray(345, 500)) : '';
  return prefix === '' ? name : `${prefix}/${name}`;
}

function cString(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return bytes.subarray(0, nul === -1 ? bytes.length : nul).toString('utf8');
}

/** Octal digits (space or NUL ended), or GNU's base-256 form for sizes beyond 8 GiB. */
function numberField(field: Buffer, at: number): number {
  if (((field[0] as number) & 0x80) !== 0) {
    let n = (field[0] as number) & 0x7f;
    for (const b of field.subarray(1)) n = n * 256 + b;
    return n;
  }
  const n = octal(field);
  if (n === null) throw new Error(`the header at byte ${at} has no size`);
  return n;
}

/** An octal header field, padded with spaces or NULs; null when it holds anything else. */
function octal(field: Buffer): number | null {
  const text = field.toString('latin1').replace(/[\0 ]+$/, '').replace(/^ +/, '');
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : null;
}

function verifyChecksum(header: Buffer, at: number): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number);
  if (octal(header.subarray(148, 156)) !== sum) throw new Error(`the header at byte ${at} fails its checksum`);
}
