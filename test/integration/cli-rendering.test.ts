import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli.js';
import type { Io } from '../../src/core/io.js';
import { tempDir } from '../helpers/cli.js';
import { displayWidth } from '../../src/output/table.js';
import { createContext } from '../../src/context/context.js';
import { agentsProgress } from '../../src/output/summary.js';

/**
 * In-process runs of the CLI against the embedded mock with a test Io: what a terminal gets (colour,
 * narrow tables, progress) and what a pipe gets, decided by the Io's isTTY flags and environment.
 */
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const AGENT_S1 = 'd935ca7e-e29d-4503-94e7-25fe9f16847c-S1';
const WAITING = 'postgres.instance-53ab8733-fd96-11e5-8e70-76a1c19f8c3d._app.1';
const ESC = '\u001b[';

describe('rendering decided by the terminal', () => {
  let mock: { dir: string; cleanup: () => void };
  beforeAll(() => {
    mock = tempDir();
  });
  afterAll(() => mock.cleanup());

  async function run(args: string[], tty: { stdout?: boolean; stderr?: boolean; columns?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const stdin = new PassThrough();
    stdin.end();
    const io: Io = {
      stdout,
      stderr,
      stdin,
      stdoutIsTTY: tty.stdout ?? false,
      stderrIsTTY: tty.stderr ?? false,
      stdinIsTTY: false,
      ...(tty.columns === undefined ? {} : { stdoutColumns: tty.columns }),
      env: { STATEFUL_OPS_SSH_SUDO: '1', PATH: process.env.PATH ?? '/usr/bin:/bin', ...tty.env },
      cwd: mock.dir,
      homedir: mock.dir,
    };
    const code = await main(['node', 'stateful-ops', '--mock', '--mock-dir', mock.dir, ...args], io);
    return { code, stdout: out, stderr: err };
  }

  it('colour on a terminal; none when piped, with NO_COLOR or --no-color; FORCE_COLOR forces it', async () => {
    const tty = await run(['tasks', 'list', '--all'], { stdout: true, columns: 200 });
    expect(tty.code).toBe(0);
    expect(tty.stdout).toContain(`${ESC}31magent-lost${ESC}39m`);
    for (const quiet of [
      await run(['tasks', 'list', '--all']),
      await run(['tasks', 'list', '--all'], { stdout: true, columns: 200, env: { NO_COLOR: '1' } }),
      await run(['--no-color', 'tasks', 'list', '--all'], { stdout: true, columns: 200 }),
    ]) {
      expect(quiet.code).toBe(0);
      expect(quiet.stdout).not.toContain(ESC);
    }
    expect((await run(['tasks', 'list', '--all'], { env: { FORCE_COLOR: '1' } })).stdout).toContain(`${ESC}31magent-lost`);
  });

  it('a terminal gets a table no wider than it, agent ids shortened; a pipe and -o wide get full ids', async () => {
    const narrow = await run(['tasks', 'list', '--all'], { stdout: true, columns: 100 });
    for (const line of narrow.stdout.trimEnd().split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(100);
    expect(narrow.stdout).toContain('d935ca7e...-S1');
    expect(narrow.stdout).not.toContain(AGENT_S1);
    expect(narrow.stdout).toMatch(/^\/postgres +postgres\.instan\S*\.\.\.\S*\._app\.1 /m); // cut in the middle: the tail stays

    const piped = await run(['tasks', 'list', '--all']);
    expect(piped.stdout).toContain(AGENT_S1);
    expect(piped.stdout).toContain(WAITING);
    expect(piped.stdout).not.toContain('MARATHON STATE');

    const wide = await run(['-o', 'wide', 'tasks', 'list', '--all'], { stdout: true, columns: 100 });
    expect(wide.stdout).toContain(AGENT_S1);
    expect(wide.stdout).toContain(WAITING);
    expect(wide.stdout).toMatch(/^APP +TASK +HOST +AGENT +STATE +VOLUMES +MARATHON STATE +AGENT STATUS +ROLE$/m);
    expect(wide.stdout).toMatch(/TASK_UNREACHABLE +gone +slave_public$/m);
  });

  it('-o json is --json; a bad -o, or --json with -o wide, is a usage error', async () => {
    const json = await run(['-o', 'json', 'tasks', 'list']);
    expect(JSON.parse(json.stdout).map((t: { task: string }) => t.task)).toContain(WAITING);
    expect((await run(['-o', 'yaml', 'tasks', 'list'])).code).toBe(2);
    const both = await run(['--json', '-o', 'wide', 'tasks', 'list']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--json and --output wide cannot be combined/);
  });

  it('--reservations adds the MESOS column', async () => {
    const r = await run(['tasks', 'list', '--reservations']);
    expect(r.stdout).toMatch(/^APP +TASK +HOST +AGENT +STATE +MESOS +VOLUMES$/m);
    expect(r.stdout).toMatch(new RegExp(`^/postgres +${WAITING.replaceAll('.', '\\.')} +127\\.0\\.0\\.168 +\\S+ +waiting +ok +pgdata$`, 'm'));
    expect(r.stdout).toMatch(/ agent-lost +missing +pgdata$/m);
    expect((await run(['tasks', 'list'])).stdout).not.toContain('MESOS');
  });

  it('-q prints the task ids only, one per line', async () => {
    const tasks = await run(['-q', 'tasks', 'list']);
    expect(tasks.stdout.trimEnd().split('\n')).toEqual([
      'db_mysql.instance-6a1e3b42-0a4f-11ec-9a03-0242ac130003._app.3',
      WAITING,
      'postgres.instance-5e0c4a21-fd96-11e5-8e70-76a1c19f8c3d._app.1',
    ]);
    const volumes = await run(['volumes', 'list', '--app', '/postgres', '-q']);
    expect(volumes.stdout.trimEnd().split('\n').sort()).toEqual([
      'postgres.instance-4f2a1c11-fd96-11e5-8e70-76a1c19f8c3d._app.2',
      WAITING,
      'postgres.instance-5e0c4a21-fd96-11e5-8e70-76a1c19f8c3d._app.1',
    ]);
  });

  it('progress only on a terminal stderr, never with --json, --quiet or piped; a log line clears it first', () => {
    const progressOf = (stderrIsTTY: boolean, opts: Partial<{ json: boolean; quiet: boolean }> = {}) => {
      const stderr = new PassThrough();
      let err = '';
      stderr.on('data', (d: Buffer) => (err += d.toString()));
      const io: Io = { stdout: new PassThrough(), stderr, stdin: new PassThrough(), stdoutIsTTY: false, stderrIsTTY, stdinIsTTY: false, env: {}, cwd: '/', homedir: '/nonexistent' };
      const ctx = createContext(io, { json: false, quiet: false, verbose: 0, color: false, mock: false, ...opts });
      ctx.progress(agentsProgress(1, 3));
      ctx.log.warn('agent S2 unreachable');
      ctx.progress(agentsProgress(3, 3));
      ctx.progressDone();
      return err;
    };
    expect(progressOf(true)).toBe('\r\u001b[2Kagents scanned 1/3\r\u001b[2KWarning: agent S2 unreachable\n\r\u001b[2Kagents scanned 3/3\r\u001b[2K');
    expect(progressOf(false)).toBe('Warning: agent S2 unreachable\n');
    expect(progressOf(true, { json: true })).toBe('Warning: agent S2 unreachable\n');
    expect(progressOf(true, { quiet: true })).toBe('Warning: agent S2 unreachable\n');
  });
});
