import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CliError } from '../core/errors.js';
import { tarListingTotals, type ArchiveFacts } from '../domain/backup-manifest.js';

/**
 * A local archive read back in full: its size and sha256 from the file, its entries and regular-file
 * bytes from the system tar's listing (so a truncated or corrupt archive fails here, not at restore
 * time). The archive root `./` is not counted.
 */
export async function measureArchive(file: string): Promise<ArchiveFacts> {
  const [size, sha256, totals] = await Promise.all([stat(file).then((s) => s.size), sha256Of(file), listTotals(file)]);
  return { bytes: size, sha256, ...totals };
}

export function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', (e) => reject(new CliError('error', `cannot read ${file}: ${e.message}`)))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function listTotals(file: string): Promise<{ entries: number; fileBytes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['--numeric-owner', '-tvf', file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let entries = 0;
    let fileBytes = 0;
    let pending = '';
    let stderr = '';
    const add = (text: string) => {
      const t = tarListingTotals(text);
      entries += t.entries;
      fileBytes += t.fileBytes;
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const cut = (pending + chunk).lastIndexOf('\n');
      const text = pending + chunk;
      if (cut === -1) pending = text;
      else {
        add(text.slice(0, cut));
        pending = text.slice(cut + 1);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => reject(new CliError('error', `cannot read back the archive ${file}: ${e.message}`)));
    child.on('close', (code) => {
      add(pending);
      if (code !== 0) {
        reject(new CliError('error', `${file} is not a readable tar archive: ${stderr.trim().split('\n')[0] ?? `tar exited ${code}`}`));
      } else resolve({ entries, fileBytes });
    });
  });
}
