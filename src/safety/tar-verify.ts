import { spawn } from 'node:child_process';
import { CliError } from '../errors.js';

/**
 * Entries in a local tar archive, read back with the system tar (so a truncated or corrupt archive
 * fails here, not at restore time). The archive root `./` is not counted.
 */
export function countTarEntries(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['-tf', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let count = 0;
    let pending = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line !== '' && line !== './') count++;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => reject(new CliError('error', `cannot read back the backup ${file}: ${e.message}`)));
    child.on('close', (code) => {
      if (pending !== '' && pending !== './') count++;
      if (code !== 0) {
        reject(new CliError('error', `backup ${file} is not a readable tar archive: ${stderr.trim().split('\n')[0] ?? `tar exited ${code}`}`));
      } else resolve(count);
    });
  });
}
