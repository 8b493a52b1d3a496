import { describe, expect, it } from 'vitest';
import type { StatefulTaskView } from '../../../src/domain/stateful-tasks.js';
import {
  appGoneIsResumable,
  dataDeletedAt,
  expungedBefore,
  inEarlierRun,
  relaunchedResult,
  sortRequested,
  type ResumeRecord,
} from '../../../src/domain/wipe-resume.js';

const UUID = '53ab8733-fd96-11e5-8e70-76a1c19f8c3d';
const first = `postgres.instance-${UUID}._app.1`;
const relaunch = `postgres.instance-${UUID}._app.2`;
const other = 'postgres.instance-4f2a1c11-fd96-11e5-8e70-76a1c19f8c3d._app.1';
const rec = (item: string, step: string, status: ResumeRecord['status'], extra: Partial<ResumeRecord> = {}): ResumeRecord => ({
  ts: '2026-12-01T10:00:00.000Z',
  item,
  step,
  status,
  ...extra,
});

describe('what an earlier wipe run did', () => {
  it('an expunge counts as sent once started, even if cut off; the last record of the step decides', () => {
    expect(expungedBefore([rec(first, 'expunge', 'started')], first)).toBe(true);
    expect(expungedBefore([rec(first, 'expunge', 'done')], first)).toBe(true);
    expect(expungedBefore([rec(first, 'expunge', 'started'), rec(first, 'expunge', 'failed')], first)).toBe(false);
    expect(expungedBefore([rec(first, 'preflight', 'done')], first)).toBe(false);
  });

  it('an item of any step is part of the earlier run', () => {
    expect(inEarlierRun([rec(first, 'preflight', 'failed')], first)).toBe(true);
    expect(inEarlierRun([rec(first, 'preflight', 'failed')], other)).toBe(false);
  });

  it('an app gone from Marathon is fine only when the journal accounts for every requested task of it', () => {
    const records = [rec(first, 'expunge', 'done')];
    expect(appGoneIsResumable(records, [first], '/postgres')).toBe(true);
    expect(appGoneIsResumable(records, [first, other], '/postgres')).toBe(false);
    expect(appGoneIsResumable(records, [first], '/mysql')).toBe(false);
  });

  it('the delete time is that of the first finished delete step', () => {
    const records = [rec(first, 'delete:pgdata', 'started'), rec(first, 'delete:pgdata', 'done', { ts: 't1' }), rec(first, 'delete:wal', 'done', { ts: 't2' })];
    expect(dataDeletedAt(records, first)).toBe('t1');
    expect(dataDeletedAt(records, other)).toBeUndefined();
  });
});

describe('sorting the requested tasks Marathon does not list', () => {
  const listed = [{ task: relaunch, state: 'running' as const }];

  it('listed ids are left alone; expunged by the earlier run: already expunged', () => {
    expect(sortRequested([rec(other, 'expunge', 'done')], [relaunch, other], listed)).toEqual({ alreadyExpunged: [other], vanished: [] });
  });

  it('an item of the interrupted run that relaunched, or that nobody here expunged, vanished', () => {
    expect(sortRequested([rec(first, 'expunge', 'done')], [first], listed)).toEqual({ alreadyExpunged: [], vanished: [first] });
    expect(sortRequested([rec(other, 'preflight', 'done')], [other], listed)).toEqual({ alreadyExpunged: [], vanished: [other] });
  });

  it('a task never seen by the journal is missing, with its instance\'s new incarnation; sorting stops there', () => {
    expect(sortRequested([], [first, other], listed)).toEqual({ alreadyExpunged: [], vanished: [], missing: { id: first, successor: listed[0] } });
    expect(sortRequested([], [other], listed).missing).toEqual({ id: other, successor: undefined });
  });
});

describe('a task relaunched on the volume the earlier run emptied', () => {
  const successor = { app: '/postgres', task: relaunch, state: 'running', agentId: 'S1', host: '127.0.0.167' } as StatefulTaskView;

  it('is reported as relaunched, with the backups that run made', () => {
    const records = [rec(first, 'backup:pgdata', 'done', { detail: { file: '/b/pg.tar' } }), rec(first, 'backup:wal', 'failed', { detail: { file: '/b/wal.tar' } })];
    const r = relaunchedResult(records, first, successor, 't1');
    expect(r).toMatchObject({ app: '/postgres', task: first, agentId: 'S1', host: '127.0.0.167', outcome: 'relaunched', dataDeletedAt: 't1', backups: ['/b/pg.tar'] });
    expect(r.error).toBe(`its data was deleted at t1 by the interrupted run, then the instance relaunched as ${relaunch} (running); the expunge was not sent; the backup is at /b/pg.tar`);
    expect(relaunchedResult([], first, successor, 't1').error).toMatch(/; no backup was made$/);
  });
});
