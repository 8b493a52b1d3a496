import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createContext, type ClusterClients, type Io } from '../../../src/context/context.js';
import { journalKey } from '../../../src/journal/journal.js';
import { openJournal, reportUnwrittenRecords } from '../../../src/safety/journal-open.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const stateDir = mkdtempSync(join(tmpdir(), 'so-journal-open-'));
  dirs.push(stateDir);
  const stderr = new PassThrough();
  let shown = '';
  stderr.on('data', (d: Buffer) => (shown += d.toString()));
  const io: Io = { stdout: new PassThrough(), stderr, stdin: new PassThrough(), stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, env: {}, cwd: '/', homedir: '/nonexistent' };
  const ctx = createContext(io, { json: false, quiet: true, verbose: 0, color: false, mock: true });
  const clients = { source: { stateDir, identity: `mock:${stateDir}` } } as ClusterClients;
  const path = join(stateDir, 'journal', `wipe-${journalKey(`mock:${stateDir}`, ['t1'])}.jsonl`);
  return { ctx, clients, path, shown: () => shown };
}

describe('journals as commands open and report them', () => {
  it('one warning line names the journal and every unreadable line, even with --quiet', () => {
    const { ctx, clients, path, shown } = setup();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, ['oops', JSON.stringify({ item: 't1', step: 'delete', status: 'done' }), '{"x":1}', '{"item":"t1","st'].join('\n'));
    const journal = openJournal(ctx, clients, 'wipe', ['t1']);
    expect(journal.isDone('t1', 'delete')).toBe(true);
    expect(shown()).toBe(`Warning: journal ${path}: lines 1, 3, 4 cannot be read (not JSON, …) and are ignored: the last readable record of each step decides\n`);
  });

  it('a clean journal says nothing; records that could not be written are one line each after the run', async () => {
    const { ctx, clients, shown } = setup();
    let writes = 0;
    const journal = openJournal(ctx, clients, 'wipe', ['t1'], {
      writer: () => {
        if (++writes > 1) throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
      },
      syncer: () => {}, // nothing reached a file: there is nothing to fsync
    });
    await journal.runStep('t1', 'delete:pgdata', async () => ({ removed: 9 }));
    expect(shown()).toBe('');
    reportUnwrittenRecords(ctx, journal);
    expect(shown()).toBe('Warning: t1: delete:pgdata done (not journaled: ENOSPC); a re-run re-inspects it\n');
  });
});
