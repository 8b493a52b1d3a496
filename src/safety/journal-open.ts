import type { ClusterClients } from '../cluster/clients.js';
import type { Io } from '../core/io.js';
import type { Logger } from '../core/log.js';
import { Journal, journalKey, type JournalOpenOptions } from '../journal/journal.js';
import { clusterIdentity, journalDir } from './state-dir.js';

/**
 * Opens the journal of a destructive command (keyed on the cluster and the items) and says on stderr,
 * in one line, when lines of it cannot be read back: they are ignored, never guessed at.
 */
/** What opening a journal needs of the run: where the state lives, and where warnings go. */
export interface JournalScope {
  io: Io;
  log: Logger;
}

export function openJournal(ctx: JournalScope, clients: ClusterClients, operation: string, items: string[], options: JournalOpenOptions = {}): Journal {
  const journal = Journal.open(journalDir(ctx.io, clients), operation, journalKey(clusterIdentity(clients), items), options);
  const bad = journal.problems.unparseableLines;
  if (bad.length > 0) {
    const numbers = bad.map((p) => p.line).join(', ');
    ctx.log.warn(
      `journal ${journal.path}: line${bad.length === 1 ? '' : 's'} ${numbers} cannot be read (${bad[0]?.reason}${bad.length > 1 ? ', …' : ''}) and ${bad.length === 1 ? 'is' : 'are'} ignored: the last readable record of each step decides`,
    );
  }
  return journal;
}

/** After the run: makes the journal's tail durable, then names each record that could not be written (ENOSPC, EIO), one line per step. */
export function reportUnwrittenRecords(ctx: Pick<JournalScope, 'log'>, journal: Journal): void {
  journal.flush();
  for (const u of journal.problems.unwrittenRecords) {
    ctx.log.warn(`${u.item}: ${u.step} ${u.status} (not journaled: ${u.error}); a re-run re-inspects it`);
  }
}
