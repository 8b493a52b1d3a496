import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { buildProgram } from '../../src/cli.js';
import { treeOf } from '../../src/commands/completion/completion.js';
import type { Io } from '../../src/core/io.js';

/**
 * Every `$ stateful-ops …` line of every command's --help, run against the default mock: none may
 * be a usage error (2) or name something the mock does not have (3). A pipe into another
 * `stateful-ops` runs both, the first one's stdout into the second; what follows `|`, `#`, `>` or
 * `;` otherwise is shell around the example. Destructive examples run with --dry-run.
 */
const NOT_RUN: Record<string, string> = {
  'mock serve': 'serves until stopped (covered by mock-serve.test.ts)',
};
const DESTRUCTIVE = ['wipe', 'volumes orphans', 'agent maintenance schedule', 'agent maintenance down', 'agent maintenance up'];

async function commandPaths(): Promise<string[]> {
  const io: Io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, env: {}, cwd: '/', homedir: '/nonexistent' };
  const { program } = await buildProgram(io, ['node', 'stateful-ops', 'completion']);
  return [...treeOf(program).words.keys()];
}

/** Splits a command line as sh would for these simple examples: spaces, '…' and "…". */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

function shellPart(line: string): string {
  return line.replace(/\s+#.*$/, '').split(/ \| (?!stateful-ops )| > |; | & /)[0] as string;
}

describe('help examples run against the default mock', () => {
  let mock: { dir: string; cleanup: () => void };
  let cwd: { dir: string; cleanup: () => void };
  const examples: { path: string; line: string }[] = [];

  beforeAll(async () => {
    mock = tempDir();
    cwd = tempDir('stateful-ops-examples-');
    // The files the examples name, as an operator would have them.
    copyFileSync(join(repoRoot, 'fixtures/apps/postgres.json'), join(cwd.dir, 'postgres.json'));
    mkdirSync(join(cwd.dir, 'ansible/files'), { recursive: true });
    writeFileSync(join(cwd.dir, 'ansible/files/mesos-slave-common'), 'MESOS_RECOVERY_TIMEOUT=15mins\nMESOS_STRICT=false\n');
    mkdirSync(join(cwd.dir, 'marathon'));
    copyFileSync(join(repoRoot, 'fixtures/apps/postgres.json'), join(cwd.dir, 'marathon/postgres.json'));
    mkdirSync(join(cwd.dir, 'agent-root'));
    mkdirSync(join(cwd.dir, 'centos7-agent-root'));
    for (const path of await commandPaths()) {
      const help = await runCli([...(path === '' ? [] : path.split(' ')), '--help']);
      expect(help.code, `${path} --help`).toBe(0);
      for (const m of help.stdout.matchAll(/^ {2}\$ stateful-ops (.+)$/gm)) examples.push({ path, line: m[1] as string });
    }
  }, 120_000);
  afterAll(() => {
    mock.cleanup();
    cwd.cleanup();
  });

  it('every command has examples, and every example stays on loopback', () => {
    expect(examples.length).toBeGreaterThan(40);
    for (const e of examples) expect(e.line, 'an example must never name a non-loopback address').not.toMatch(/\b(?!127\.)\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/);
  });

  it('none exits 2 (usage) or 3 (not found)', async () => {
    const run = async (args: string[], input?: string) => {
      const at = args.indexOf('--mock-dir');
      if (at >= 0) args.splice(at, 2); // the example's own state directory: ours instead
      const env = { HOME: cwd.dir };
      return runCliIn(cwd.dir, ['--mock', '--mock-dir', mock.dir, ...args], env, input);
    };
    expect((await run(['mock', 'reset'])).code).toBe(0);
    const failures: string[] = [];
    for (const { line } of examples) {
      const commands = shellPart(line).split(' | stateful-ops ').map(words);
      const first = commands[0] as string[];
      const path = first.filter((w) => !w.startsWith('-')).slice(0, 3).join(' ');
      const skip = Object.keys(NOT_RUN).find((p) => path.startsWith(p));
      if (skip) continue;
      let input: string | undefined;
      for (const args of commands) {
        const cmdPath = args.filter((w) => !w.startsWith('-')).join(' ');
        if (DESTRUCTIVE.some((d) => cmdPath.startsWith(d)) && !args.includes('--dry-run') && (cmdPath !== 'volumes orphans' || args.some((a) => a === '--purge' || a === '--release-reservations'))) {
          args.push('--dry-run');
        }
        const r = await run(args, input);
        if (r.code === 2 || r.code === 3) failures.push(`exit ${r.code}: stateful-ops ${args.join(' ')}\n  ${r.stderr.trim().split('\n').join('\n  ')}`);
        input = r.stdout;
      }
      if (path.startsWith('mock ')) expect((await run(['mock', 'reset'])).code).toBe(0); // back to the default mock
    }
    expect(failures).toEqual([]);
  }, 600_000);
});

/** runCli in a working directory: the examples name files relative to it. */
function runCliIn(cwd: string, args: string[], env: Record<string, string>, input?: string) {
  return runCli(args, { env, cwd, ...(input === undefined ? {} : { input }) });
}
