import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { closedLoopbackPort, runCli, tempDir } from '../helpers/cli.js';
import { ExitCode } from '../../src/core/errors.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('CLI conventions', () => {
  it('--version prints the package version on stdout', async () => {
    const r = await runCli(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('--help lists the commands, global flags and exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const word of ['tasks', 'volumes', 'mock', '--json', '--quiet', '--verbose', '--no-color', '--mock', 'Exit codes']) {
      expect(r.stdout).toContain(word);
    }
  });

  it('every command has one level of help with examples', async () => {
    for (const path of [['tasks', 'list'], ['tasks', 'show'], ['volumes', 'list'], ['mock', 'reset'], ['mock', 'serve'], ['mock', 'status']]) {
      const r = await runCli([...path, '--help']);
      expect(r.code, path.join(' ')).toBe(0);
      expect(r.stdout, path.join(' ')).toMatch(/Examples:\n\s+\$ stateful-ops /);
    }
  });

  it('no arguments, a noun without a verb, an unknown command or option are usage errors (exit 2)', async () => {
    for (const args of [[], ['tasks'], ['frobnicate'], ['tasks', 'list', '--no-such-flag'], ['tasks', 'show']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(ExitCode.USAGE);
      expect(r.stdout, args.join(' ')).toBe('');
    }
    const unknown = await runCli(['tasks', 'list', '--no-such-flag']);
    expect(unknown.stderr).toMatch(/^Error: unknown option '--no-such-flag'/m);
  });

  it('--quiet and --verbose together are refused', async () => {
    const r = await runCli(['-q', '-v', 'tasks', 'list']);
    expect(r.code).toBe(ExitCode.USAGE);
  });

  it('without any cluster configuration, the error says how to configure one and mentions --mock', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const r = await runCli(['tasks', 'list'], { env: { DCOS_DIR: dir } });
      expect(r.code).toBe(ExitCode.USAGE);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^Error: /);
      expect(r.stderr).toContain('--mock');
      expect(r.stderr).toContain('DCOS_URL');
    } finally {
      cleanup();
    }
  });

  it('an unreachable cluster is one clear line and the unreachable exit code', async () => {
    const port = await closedLoopbackPort();
    const r = await runCli(['--url', `http://127.0.0.1:${port}`, '--timeout', '5', 'tasks', 'list']);
    expect(r.code).toBe(ExitCode.UNREACHABLE);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toContain(`127.0.0.1:${port}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
